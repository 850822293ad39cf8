/** Routing rules and A/B variants on the redirect (docs/routing.md). */
export { chooseDestination, formatChosenBy, parseChosenBy, type ChosenBy, type Destination } from "./choose.ts";
export { compileRouting, compiledRouting, type RoutedLink } from "./compile.ts";
export type { RoutingVisit } from "./facts.ts";
export { routingVisit } from "./visit.ts";
