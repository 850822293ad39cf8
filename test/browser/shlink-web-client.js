/**
 * The page script of shlink-web.browser.ts, bundled by it with esbuild: Shlink's web component, as
 * shlink-web-client mounts it (in a router), with the Shlink SDK pointed at the server the page names.
 * Plain JavaScript: it runs in the page only, and React ships no types of its own.
 */
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ShlinkWebComponent } from "@shlinkio/shlink-web-component";
import { ShlinkApiClient } from "@shlinkio/shlink-js-sdk";
import { FetchHttpClient } from "@shlinkio/shlink-js-sdk/fetch";

const server = window.SHLINK_SERVER;
const apiClient = new ShlinkApiClient(new FetchHttpClient(), server);
createRoot(document.getElementById("root")).render(
  createElement(BrowserRouter, null, createElement(ShlinkWebComponent, { serverVersion: "4.4.0", apiClient })),
);
