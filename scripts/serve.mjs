// Static server for the built page (dist/), on 127.0.0.1 only. Node standard library only.
//
//   node scripts/serve.mjs [root]        root defaults to dist/; PORT=8000 by default
//
// Also a module, so end-to-end tests can start it in-process:
//   import { startServer } from '../../scripts/serve.mjs';
//   const { url, close } = await startServer({ root: 'dist', port: 0 });

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  // Browsers compile a wasm while it downloads only when it is served as application/wasm.
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

// The same policy the page must live with when published: no inline script or style, nothing
// from other origins; 'wasm-unsafe-eval' lets the page compile its own wasm.
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:",
  'X-Content-Type-Options': 'nosniff',
  // Other sites load widget.js (a module script) and the wasm across origins, which needs CORS.
  'Access-Control-Allow-Origin': '*',
  // A rebuild must show on reload.
  'Cache-Control': 'no-cache',
};

// The file under root that a request path names, or null if it names none (bad encoding,
// or an attempt to climb out of root).
function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

async function handle(root, request, response) {
  const send = (status, type, body) => {
    response.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  const sendError = (status, text) =>
    send(status, 'text/plain; charset=utf-8', Buffer.from(text + '\n'));

  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendError(405, 'method not allowed');
  }
  const urlPath = new URL(request.url, 'http://localhost').pathname;
  let file = fileFor(root, urlPath);
  if (file === null) return sendError(400, 'bad path');
  try {
    if ((await stat(file)).isDirectory()) {
      // Relative links in an index.html resolve against its folder only with the trailing slash.
      if (!urlPath.endsWith('/')) {
        response.writeHead(301, { ...HEADERS, Location: urlPath + '/' });
        return response.end();
      }
      file = join(file, 'index.html');
    }
    const body = await readFile(file);
    send(200, MIME_TYPES[extname(file)] ?? 'application/octet-stream', body);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') {
      return sendError(404, 'not found');
    }
    console.error('serve: ' + error.message);
    sendError(500, 'server error');
  }
}

function listen(server, port) {
  return new Promise((resolvePromise, reject) => {
    const onError = (error) => reject(error);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolvePromise();
    });
  });
}

// Serves root on 127.0.0.1:port; if that port is taken, on a free one (port 0 always picks a
// free one). Resolves to { url, close }, where close() resolves once the server has stopped.
export async function startServer({ root, port = 8000 }) {
  const rootDir = resolve(root);
  if (!(await stat(rootDir).catch(() => null))?.isDirectory()) {
    throw new Error(`${rootDir} is not a directory (make dist builds dist/)`);
  }
  const server = createServer((request, response) => {
    handle(rootDir, request, response).catch((error) => {
      console.error('serve: ' + error.message);
      response.destroy();
    });
  });
  try {
    await listen(server, port);
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    console.error(`serve: port ${port} is in use, taking a free one`);
    await listen(server, 0);
  }
  const url = `http://${HOST}:${server.address().port}/`;
  const close = () =>
    new Promise((resolvePromise) => {
      server.close(() => resolvePromise());
      server.closeAllConnections();
    });
  return { url, close };
}

const runAsCommand =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (runAsCommand) {
  const defaultRoot = fileURLToPath(new URL('../dist', import.meta.url));
  const port = process.env.PORT === undefined ? 8000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be a port number, not "${process.env.PORT}"`);
    process.exit(1);
  }
  try {
    const { url } = await startServer({ root: process.argv[2] ?? defaultRoot, port });
    console.log(`serve: ${url}  (Ctrl-C to stop)`);
  } catch (error) {
    console.error('serve: error: ' + error.message);
    process.exit(1);
  }
}
