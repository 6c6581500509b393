import type { SMTPServer } from "smtp-server";

/**
 * smtp-server re-emits a client connection's error on the server, where without a listener it is
 * an uncaught exception that fails the whole test run. A client that goes away mid-connection
 * (the dashboard stopped, or its mailer dropping a pooled connection) is not a failure of what
 * the tests check; any other error is collected for the test to assert on.
 */
export function collectSmtpErrors(smtp: SMTPServer): Error[] {
  const errors: Error[] = [];
  smtp.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "ECONNRESET" && error.code !== "EPIPE") errors.push(error);
  });
  return errors;
}
