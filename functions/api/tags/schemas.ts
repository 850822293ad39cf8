/** The tags routes' resources, bodies and path parameter: a tag is named and renamed with the links' own tag rule. */
import { z } from "@hono/zod-openapi";
import { Tag } from "../links/schemas.ts";

export const TagStats = z
  .object({
    tag: z.string(),
    links: z.int().openapi({ description: "Links (that the key sees) carrying the tag" }),
    clicks: z.int().openapi({ description: "All-time clicks of those links, bots included (as rolled up by ingest)" }),
    humans: z.int().openapi({ description: "Of those clicks, the ones not classified as bots" }),
  })
  .openapi("TagStats");
export type TagStats = z.infer<typeof TagStats>;

export const TagList = z.object({ data: z.array(TagStats) }).openapi("TagList");

export const RenameTagInput = z
  .strictObject({ name: Tag.openapi({ description: "The new name; the same rule as a link's tags (trimmed, 1 to 50 characters, no control characters)" }) })
  .openapi("RenameTagInput");

export const RenamedTag = z
  .object({ tag: z.string().openapi({ description: "The new name" }), links: z.int().openapi({ description: "Links that carry it now" }) })
  .openapi("RenamedTag");

/** `{tag}`: percent-decoded, then read as a link's tag is (a `?tag=` filter of the links list reads it the same way). */
export const TagParams = z.object({ tag: Tag.openapi({ param: { name: "tag", in: "path" }, example: "launch" }) });
