// What the page and its server agree on: the engine's WebSocket path and the two files served.

/** The WebSocket path of the demo's engine on the page's server. @example `ws://127.0.0.1:8080${ENGINE_PATH}` */
export const ENGINE_PATH = '/nodeflow';

/** The bundle's path, as index.html loads it. @example `fetch(BUNDLE_PATH)` */
export const BUNDLE_PATH = '/bundle.js';

/**
 * The page itself: a root for React and the bundle.
 *
 * @example
 * ```ts
 * res.end(INDEX_HTML);
 * ```
 */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nodeflow demo</title>
</head>
<body style="font: 14px system-ui, sans-serif; color: #1f2328; margin: 16px">
<div id="root"></div>
<script src="${BUNDLE_PATH}"></script>
</body>
</html>
`;
