/**
 * A domain body's association files and QR logo as the columns that store them. A file is stored as
 * JSON.stringify writes the value received, and that text is what /.well-known/ serves byte for byte
 * (functions/redirect/well-known.ts). Refusals name their field: 413 for a value past its size, 422 for a
 * logo that is not an acceptable image (functions/shared/qr-logo.ts). The shapes were checked by the schema.
 */
import { utf8Bytes } from "../../shared/bytes.ts";
import { ApiError, type FieldError } from "../../shared/errors.ts";
import { qrLogoProblem } from "../../shared/qr-logo.ts";
import type { AppFilesInput } from "./schemas.ts";

/** 64 KB of JSON text per file: well under Apple's 128 KB for the association file. */
export const MAX_APP_FILE_BYTES = 64 * 1024;

/**
 * The body limit of a domain's create and patch: two files and a logo at their limits, with room for the
 * whitespace and escapes of the JSON they arrive in (a file's limit is on the text it is stored as).
 */
export const MAX_DOMAIN_BODY_BYTES = 1024 * 1024;

export interface AppFileColumns {
  appleAppSiteAssociation?: string | null;
  assetLinks?: string | null;
  qrLogo?: string | null;
}

const FILES = ["appleAppSiteAssociation", "assetLinks"] as const;

/** The columns to write (a field absent from the body is absent here); throws the problem of a refused value. */
export function appFileColumns(input: AppFilesInput): AppFileColumns {
  const out: AppFileColumns = {};
  const tooLarge: FieldError[] = [];
  const refused: FieldError[] = [];
  for (const field of FILES) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null) {
      out[field] = null;
      continue;
    }
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      // Only nesting deep enough to exhaust the stack gets here (the value came from JSON).
      refused.push({ path: field, message: "is nested too deeply" });
      continue;
    }
    const bytes = utf8Bytes(text);
    if (bytes > MAX_APP_FILE_BYTES) tooLarge.push({ path: field, message: `must be at most ${MAX_APP_FILE_BYTES} bytes as JSON text (this is ${bytes})` });
    else out[field] = text;
  }
  if (input.qrLogo !== undefined) {
    const problem = input.qrLogo === null ? null : qrLogoProblem(input.qrLogo);
    if (!problem) out.qrLogo = input.qrLogo;
    else if (problem.status === 400) throw new ApiError(400, "The request is not valid: see errors.", { errors: [{ path: "qrLogo", message: problem.message }] });
    else (problem.status === 413 ? tooLarge : refused).push({ path: "qrLogo", message: problem.message });
  }
  if (tooLarge.length) throw new ApiError(413, "A file or the logo is too large: see errors.", { errors: [...tooLarge, ...refused] });
  if (refused.length) throw new ApiError(422, "A file or the logo cannot be used: see errors.", { errors: refused });
  return out;
}

/** Whether the columns change what /.well-known/ serves (the logo does not). */
export const changesAppFiles = (c: AppFileColumns) => c.appleAppSiteAssociation !== undefined || c.assetLinks !== undefined;
