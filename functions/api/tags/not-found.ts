import { ApiError } from "../../shared/errors.ts";

export const noTag = (tag: string) => new ApiError(404, `No link carries the tag "${tag}".`);
