/**
 * An ingest run that can be killed as the runtime kills an invocation (its CPU time spent, say): at a chosen
 * Checkpoint it stops, and from then on it sends nothing, while what it had already sent goes on and lands
 * (a statement in flight still commits, a request in flight still runs). The clients handed to the run refuse
 * every request made after the kill, so no error handler of the run can do what a killed Worker never would.
 */
import { createDb, type Db } from "../../db/client.ts";
import { createIngestRedis } from "../../functions/ingest/stream.ts";
import type { Checkpoint } from "../../functions/ingest/run.ts";
import { config } from "./env.ts";

export class Killed extends Error {}

/**
 * Clients for one run, and its checkpoint hook: the run dies at its `at`-th checkpoint (0 is the first),
 * or never when `at` is null. `points` lists the checkpoints it passed, the one it died at last.
 */
export function killableRun(at: number | null) {
  let dead = false;
  const points: Checkpoint[] = [];
  const alive = () => {
    if (dead) throw new Killed("the run was killed");
  };
  // Every command is a request, but queuing one in a MULTI sends nothing: only the MULTI's exec is refused.
  const redis = new Proxy(createIngestRedis(config), {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== "function") return v;
      if (prop === "multi" || prop === "pipeline") {
        return (...a: unknown[]) => {
          const tx = v.apply(t, a) as object;
          const p: object = new Proxy(tx, {
            get(x, q, r) {
              const f = Reflect.get(x, q, r);
              if (typeof f !== "function") return f;
              return (...b: unknown[]) => {
                if (q === "exec") alive();
                const o = f.apply(x, b);
                return o === x ? p : o;
              };
            },
          });
          return p;
        };
      }
      return (...a: unknown[]) => {
        alive();
        return v.apply(t, a);
      };
    },
  });

  const { db, pool } = createDb(config);
  // pg's own pool.query connects with a callback: that path is refused at pool.query itself.
  const connect = pool.connect.bind(pool) as (...a: unknown[]) => Promise<{ query: (...q: unknown[]) => unknown }>;
  pool.connect = (async (...a: unknown[]) => {
    if (typeof a[0] === "function") return connect(...a);
    alive();
    const client = await connect();
    const query = client.query.bind(client);
    client.query = (...q: unknown[]) => {
      alive();
      return query(...q);
    };
    return client;
  }) as typeof pool.connect;
  const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
  pool.query = ((...a: unknown[]) => {
    alive();
    return query(...a);
  }) as typeof pool.query;

  const checkpoint = (point: Checkpoint) => {
    points.push(point);
    if (at !== null && points.length - 1 === at) {
      dead = true;
      throw new Killed(`killed at checkpoint ${at} (${point})`);
    }
  };
  return { redis, db: db as Db, checkpoint, points, close: () => pool.end().catch(() => {}) };
}
