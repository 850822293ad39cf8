import type { Link } from "../../api/links/schemas.ts";
import { CopyButton } from "../components/copy.tsx";
import { namesNothing, notFoundPage } from "../components/not-found.tsx";
import { FormError, Layout, page } from "../components/layout.tsx";
import type { Dash } from "../dash-env.ts";
import { noticeOf } from "../notices.ts";
import { domainOfLink, domainQuery, isAdminSession, linkPage, pageDomain } from "../link-paths.ts";
import { HaltBadge } from "../components/halt-badge.tsx";
import { HaltControls } from "./link-halt.tsx";
import { formatInstant } from "../wall-time.ts";
import { QrCard } from "../components/qr-card.tsx";
import { qrPreview, readQrForm } from "../qr-choices.ts";
import { PreviewMockup } from "../components/preview-card.tsx";
import { HealthBadge } from "../components/health-badge.tsx";

export function registerLinkDetail(dash: Dash) {
  dash.get("/links/:slug", async (c) => {
    const slug = c.req.param("slug");
    const res = await c.var.api.call<Link>("GET", `/api/v1/links/${encodeURIComponent(slug)}`, { query: domainQuery(pageDomain(c)) });
    const tz = c.var.tz;
    const notice = noticeOf(c);
    if (!res.ok && namesNothing(res.status)) return notFoundPage(c, "link");
    if (!res.ok) {
      return page(c, <Layout title={slug} session={c.var.session} nav="links"><h1><code>{slug}</code></h1><FormError message={res.problem.detail} /><p><a href="/app/links">Back to your links</a></p></Layout>, res.status);
    }
    const l = res.data;
    const canWrite = c.var.session.scopes.some((s) => s === "links:write" || s === "admin");
    const domain = domainOfLink(c, l);
    const qrValues = readQrForm(c);
    const preview = await qrPreview(c, l.slug, qrValues);
    return page(c, (
      <Layout title={l.slug} session={c.var.session} nav="links" notice={notice}>
        <div class="page-head">
          <h1><code>{l.slug}</code><HaltBadge link={l} />{l.title && <span class="sub">{l.title}</span>}</h1>
          <div class="buttons">
            <a class="button" href={linkPage(l.slug, domain, "/stats")}>Analytics</a>
            {canWrite && <a class="button" href={linkPage(l.slug, domain, "/edit")}>Edit</a>}
            {canWrite && <a class="button danger" href={linkPage(l.slug, domain, "/delete")}>Delete</a>}
          </div>
        </div>
        <div class="detail">
          <section class="card">
            <h2>Short link</h2>
            <p class="short">
              <label for="short-url" class="sr-only">Short URL</label>
              <input id="short-url" type="text" readonly value={l.shortUrl} />
              <CopyButton text={l.shortUrl} label="Copy the short URL" />
            </p>
            <dl class="facts" id="link-facts">
              <dt>Domain</dt><dd>{l.domain}</dd>
              <dt>Destination</dt><dd class="url"><a href={l.url} rel="noopener noreferrer">{l.url}</a></dd>
              <dt>Health</dt><dd class="health-detail"><HealthBadge health={l.health} tz={tz} long /></dd>
              <dt>Redirect</dt><dd>{l.redirectType}</dd>
              <dt>Routing</dt>
              <dd>{l.rules.length || l.variants ? `${l.rules.length} rule(s), ${l.variants?.length ?? 0} A/B variant(s)` : "none"}</dd>
              <dt>Clicks</dt><dd>{l.clicks}</dd>
              <dt>Tags</dt><dd>{l.tags.length ? l.tags.map((t) => <a class="tag" href={`/app/links?tag=${encodeURIComponent(t)}`}>{t}</a>) : "none"}</dd>
              <dt>Valid from</dt><dd>{l.validSince ? <time datetime={l.validSince}>{formatInstant(l.validSince, tz)} ({tz})</time> : "at once"}</dd>
              <dt>Query string</dt><dd>{l.forwardQuery ? "forwarded" : "not forwarded"}</dd>
              <dt>Crawlers</dt><dd>{l.crawlable ? "allowed (robots.txt)" : "disallowed"}</dd>
              <dt>Expires</dt><dd>{l.expiresAt ? <time datetime={l.expiresAt}>{formatInstant(l.expiresAt, tz)} ({tz})</time> : "never"}</dd>
              <dt>Click limit</dt><dd>{l.maxClicks ?? "none"}</dd>
              <dt>Fallback</dt><dd class="url">{l.fallbackUrl ?? "none (410 Gone)"}</dd>
              <dt>Password</dt><dd>{l.hasPassword ? "yes" : "no"}</dd>
              <dt>Created</dt><dd><time datetime={l.createdAt}>{formatInstant(l.createdAt, tz)}</time></dd>
              <dt>Made by</dt>
              <dd class="made-by">{l.createdBy ? <a href={`/app/links?createdBy=${encodeURIComponent(l.createdBy.id)}`}>{l.createdBy.name} ({l.createdBy.type === "user" ? "person" : "API key"})</a> : "the deployment's admin key"}</dd>
              <dt>Updated</dt><dd><time datetime={l.updatedAt}>{formatInstant(l.updatedAt, tz)}</time></dd>
            </dl>
            <h2 id="preview-card">Preview card</h2>
            <PreviewMockup host={l.domain} fallbackTitle={l.shortUrl.replace(/^https?:\/\//, "")} title={l.preview?.title ?? ""}
              description={l.preview?.description ?? ""} image={l.preview?.image ?? ""} />
          </section>
          <HaltControls link={l} domain={domain} admin={isAdminSession(c)} tz={tz} />
          <QrCard slug={l.slug} shortUrl={l.shortUrl} domain={domain} values={qrValues} preview={preview} />
        </div>
      </Layout>
    ));
  });
}
