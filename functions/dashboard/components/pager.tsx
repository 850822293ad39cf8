/** Cursor paging under a list: back to the first page once past it, and on to the next while there is one. */
export const Pager = (p: { page: (cursor?: string) => string; cursor?: string; next?: string | null }) => (
  <nav class="pager" aria-label="Pages">
    {p.cursor && <a href={p.page()}>First page</a>}
    {p.next && <a href={p.page(p.next)} rel="next">Next page</a>}
  </nav>
);
