import { forbidden } from "next/navigation";
import { AppError } from "../errors/app-error";
import { serversVisibleTo } from "./administered-servers";

/** For pages: the servers whose tools the person may see, or the no-access page (403) for a reviewer who administers none. */
export async function pageServers(user: { id: string; role: string }): Promise<"all" | string[]> {
  try {
    return await serversVisibleTo(user);
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") forbidden();
    throw error;
  }
}
