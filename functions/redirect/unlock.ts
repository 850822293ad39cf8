/** POST /{slug}: the password form of a protected link posts here; the right password redirects (303). */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../shared/app-env.ts";
import { ApiError } from "../shared/errors.ts";
import { problemContent } from "../shared/problem-schema.ts";
import { redirectDoc, ShortPathParams, slugHook } from "./slug-route.ts";
import { serveLink } from "./serve-link.ts";

const Form = z.object({ password: z.string().max(1024) }).openapi("PasswordForm");

export const unlockRoute = createRoute({
  method: "post",
  path: "/{slug}",
  tags: ["redirect"],
  summary: "Submit the password of a protected link",
  description:
    "Attempts are rate-limited per link and visitor (429 with Retry-After). A link without a password simply " +
    "redirects. The answer is 303 so the browser follows with a GET and never re-posts the password.",
  middleware: [
    bodyLimit({
      maxSize: 8 * 1024,
      onError: () => {
        throw new ApiError(413, "The form is larger than 8 KiB.");
      },
    }),
  ] as const,
  request: {
    params: ShortPathParams,
    body: { required: true, content: { "application/x-www-form-urlencoded": { schema: Form } } },
  },
  responses: {
    303: redirectDoc("Right password: the destination (or the fallback of an expired or exhausted link)"),
    400: { description: "No password field", content: problemContent },
    401: { description: "Wrong password: the form again, with a message", content: { "text/html": { schema: z.string() } } },
    404: { description: "No such link", content: problemContent },
    410: { description: "Expired or click limit reached, and no fallbackUrl", content: problemContent },
    413: { description: "Body over 8 KiB", content: problemContent },
    415: { description: "Not a form body", content: problemContent },
    429: { description: "Too many attempts: the form again, with Retry-After", content: { "text/html": { schema: z.string() } } },
    503: { description: "Neither Redis nor Postgres answered", content: problemContent },
  },
});

export function registerUnlock(app: OpenAPIHono<AppEnv>) {
  app.openapi(unlockRoute, (c) => serveLink(c, c.req.valid("param").slug, c.req.valid("form").password), slugHook);
}
