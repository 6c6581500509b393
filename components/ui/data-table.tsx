import type { ReactNode } from "react";

/**
 * The dashboard's list tables: a labelled header row, and a row that says why
 * the table is empty (spanning every column), so each page writes only its rows.
 */
export function DataTable({
  columns,
  isEmpty,
  empty,
  children,
  testId,
}: {
  columns: string[];
  isEmpty: boolean;
  empty: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-left text-sm" data-testid={testId}>
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className="px-3 py-2">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {isEmpty && (
            <tr>
              <td colSpan={columns.length} className="px-3 py-6 text-center text-slate-600">
                {empty}
              </td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </div>
  );
}
