/**
 * What the conditions of a link can ask about one visit, each worked out at most once and only when a
 * condition asks (a link with only a country rule never parses the user agent or the query).
 */
import { ipMatches, parseIp, type Ip128, type IpPattern } from "../../shared/ip-pattern.ts";
import type { Browser, Device } from "../../shared/routing-conditions.ts";
import { acceptedLanguages, acceptsLanguage } from "./accept-language.ts";
import { queryIndex, type QueryIndex } from "./query-index.ts";
import { uaClasses, type UaClasses } from "./user-agent.ts";

/** One visit as routing sees it; every field may be missing or hostile (they come from headers). */
export interface RoutingVisit {
  userAgent?: string | null;
  acceptLanguage?: string | null;
  /** CF-Connecting-IP (functions/shared/visitor.ts clientIp). */
  ip?: string | null;
  /** request.cf.country and request.cf.city; absent locally. */
  country?: string | null;
  city?: string | null;
  /** The short URL's query text (without "?"), read only if a rule asks about it (query-index.ts). */
  query?: string | null;
  /** When the visit happens: epoch ms or a Date. */
  now: number | Date;
  /**
   * The visitor hash of the click (functions/shared/visitor.ts, salted per UTC day). Only read when the link
   * has variants and no rule matched; without it the variant is chosen from IP and user agent instead.
   */
  visitorHash?: string | null;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

export class VisitFacts {
  readonly now: number;
  private ua?: UaClasses;
  private langs?: readonly string[];
  private params?: QueryIndex;
  private ip?: Ip128 | null;
  private lowerCity?: string;

  constructor(readonly visit: RoutingVisit) {
    const t = visit.now instanceof Date ? visit.now.getTime() : Number(visit.now);
    this.now = Number.isFinite(t) ? t : Date.now();
  }

  private classes(): UaClasses {
    return (this.ua ??= uaClasses(str(this.visit.userAgent)));
  }

  hasDevice(d: Device): boolean {
    return this.classes().devices.has(d);
  }

  isBrowser(b: Browser): boolean {
    return this.classes().browser === b;
  }

  acceptsLanguage(tag: string): boolean {
    return acceptsLanguage((this.langs ??= acceptedLanguages(str(this.visit.acceptLanguage))), tag);
  }

  /** Indexed on the first ask, so a visit reads its query once however many conditions ask. */
  query(): QueryIndex {
    return (this.params ??= queryIndex(str(this.visit.query)));
  }

  ipIn(p: IpPattern): boolean {
    if (this.ip === undefined) this.ip = parseIp(str(this.visit.ip));
    return this.ip !== null && ipMatches(this.ip, p);
  }

  /** Upper case, as the conditions are compiled. */
  country(): string {
    return str(this.visit.country).toUpperCase();
  }

  /** Lower case, as the conditions are compiled. */
  city(): string {
    return (this.lowerCity ??= str(this.visit.city).toLowerCase());
  }
}
