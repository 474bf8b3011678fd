// Sluice's bootstrap for Node.js Lambda handlers.
//
// Sluice starts this script as `node bootstrap.js` with the environment
// Lambda gives a function (AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT,
// _HANDLER and the rest). It loads the handler, CommonJS or ES module, then
// serves invocations through the Lambda Runtime API (2018-06-01) until the
// API goes away: it asks for the next event, calls the handler with the
// event, a context object and a callback, and posts the result or the error
// back.
//
// It needs Node.js 18 or later and nothing from npm.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const util = require('util');
const { pathToFileURL } = require('url');

const API_PREFIX = '/2018-06-01';
const ERROR_CONTENT_TYPE = 'application/vnd.aws.lambda.error+json';

// Errors that Lambda reports with one of its own Runtime.* types. The name
// is on the prototype so that the stack's first line carries it too.
function faultClass(type) {
  const F = class extends Error {};
  Object.defineProperty(F.prototype, 'name', { value: type, writable: true, configurable: true });
  return F;
}
const ImportModuleError = faultClass('Runtime.ImportModuleError');
const HandlerNotFound = faultClass('Runtime.HandlerNotFound');
const MalformedHandlerName = faultClass('Runtime.MalformedHandlerName');
const UserCodeSyntaxError = faultClass('Runtime.UserCodeSyntaxError');
const UnhandledPromiseRejection = faultClass('Runtime.UnhandledPromiseRejection');
const UnmarshalError = faultClass('Runtime.UnmarshalError');

// --- Runtime API client --------------------------------------------------------

function apiAddress() {
  const raw = process.env.AWS_LAMBDA_RUNTIME_API || '';
  const i = raw.lastIndexOf(':');
  if (i <= 0) {
    return { hostname: raw || '127.0.0.1', port: 80 };
  }
  return { hostname: raw.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(raw.slice(i + 1)) };
}

const address = apiAddress();
// Idle keep-alive sockets do not hold the event loop open, so waiting for
// an empty event loop (callbackWaitsForEmptyEventLoop) still works.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const h = Object.assign({}, headers);
    if (body !== undefined) {
      h['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request(
      { hostname: address.hostname, port: address.port, method, path: API_PREFIX + urlPath, headers: h, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

class RuntimeAPIError extends Error {}

async function nextInvocation() {
  const res = await request('GET', '/runtime/invocation/next');
  if (res.status !== 200) {
    throw new RuntimeAPIError(`GET /runtime/invocation/next: HTTP ${res.status}: ${res.body.toString('utf8')}`);
  }
  return res;
}

async function post(urlPath, body, headers) {
  const res = await request('POST', urlPath, body, headers);
  if (res.status >= 500) {
    throw new RuntimeAPIError(`POST ${urlPath}: HTTP ${res.status}: ${res.body.toString('utf8')}`);
  }
  if (res.status >= 300) {
    // Lambda refuses a response that is too large, or an unknown request
    // ID; the invocation has ended either way.
    process.stderr.write(`sluice bootstrap: POST ${urlPath}: HTTP ${res.status}: ${res.body.toString('utf8')}\n`);
  }
}

function postResponse(id, payload) {
  return post(`/runtime/invocation/${encodeURIComponent(id)}/response`, payload, { 'Content-Type': 'application/json' });
}

function postError(id, doc) {
  return post(`/runtime/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(doc), {
    'Content-Type': ERROR_CONTENT_TYPE,
    'Lambda-Runtime-Function-Error-Type': 'Unhandled',
  });
}

function postInitError(doc) {
  return post('/runtime/init/error', JSON.stringify(doc), {
    'Content-Type': ERROR_CONTENT_TYPE,
    'Lambda-Runtime-Function-Error-Type': doc.errorType,
  });
}

// --- Errors --------------------------------------------------------------------

function isErrorLike(e) {
  return (
    util.types.isNativeError(e) ||
    (e !== null &&
      typeof e === 'object' &&
      typeof e.name === 'string' &&
      typeof e.message === 'string' &&
      typeof e.stack === 'string')
  );
}

// errorDocument is the JSON Lambda's Node.js runtime reports for a thrown
// value: an Error's name, message and stack lines, or for anything else its
// type and string form.
function errorDocument(e) {
  if (isErrorLike(e)) {
    return {
      errorType: String(e.name),
      errorMessage: String(e.message),
      trace: typeof e.stack === 'string' ? e.stack.split('\n') : [],
    };
  }
  let message;
  try {
    message = String(e);
  } catch (_) {
    message = Object.prototype.toString.call(e);
  }
  return { errorType: typeof e, errorMessage: message, trace: [] };
}

function logError(label, doc) {
  process.stderr.write(`${label} ${JSON.stringify(doc)}\n`);
}

// --- Loading the handler ---------------------------------------------------------

// isESMScope tells whether a .js file is an ES module: its nearest
// package.json says "type": "module".
function isESMScope(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    let text;
    try {
      text = fs.readFileSync(pj, 'utf8');
    } catch (_) {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        return JSON.parse(text).type === 'module';
      } catch (_) {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return false;
    }
    dir = parent;
  }
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch (_) {
    return false;
  }
}

async function importFile(file) {
  return import(pathToFileURL(file).href);
}

async function loadModule(taskRoot, moduleRel) {
  const base = path.resolve(taskRoot, moduleRel);
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const file = base + ext;
    if (!isFile(file)) {
      continue;
    }
    if (ext === '.mjs' || (ext === '.js' && isESMScope(file))) {
      return importFile(file);
    }
    try {
      return require(file);
    } catch (e) {
      if (e && e.code === 'ERR_REQUIRE_ESM') {
        return importFile(file);
      }
      throw e;
    }
  }
  // A directory with an index file or a package.json "main", as require
  // finds them.
  try {
    return require(base);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).startsWith(`Cannot find module '${base}'`)) {
      throw new ImportModuleError(`Error: Cannot find module '${moduleRel}'\nRequire stack:\n- ${__filename}`);
    }
    throw e;
  }
}

// loadHandler loads the function named by _HANDLER, "path/file.export",
// where export may itself be a dotted path into the module's exports.
async function loadHandler(taskRoot, handlerString) {
  const dir = path.dirname(handlerString);
  const match = /^([^.]*)\.(.*)$/.exec(path.basename(handlerString));
  if (!match || !match[1] || !match[2]) {
    throw new MalformedHandlerName(`Bad handler ${handlerString}`);
  }
  const moduleRel = dir === '.' ? match[1] : path.join(dir, match[1]);
  let mod;
  try {
    mod = await loadModule(taskRoot, moduleRel);
  } catch (e) {
    if (e instanceof ImportModuleError) {
      throw e;
    }
    if (e && (e.name === 'SyntaxError' || e instanceof SyntaxError)) {
      throw new UserCodeSyntaxError(String(e));
    }
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new ImportModuleError(String(e));
    }
    throw e;
  }
  let fn = mod;
  for (const part of match[2].split('.')) {
    fn = fn === undefined || fn === null ? undefined : fn[part];
  }
  if (fn === undefined || fn === null) {
    throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new HandlerNotFound(`${handlerString} is not a function`);
  }
  return fn;
}

// --- Invocations ---------------------------------------------------------------

// Functions to run once the event loop has nothing left to do.
let idleWaiters = [];
process.on('beforeExit', () => {
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const f of waiters) {
    f();
  }
});

function whenIdle(f) {
  idleWaiters.push(f);
}

function parseJSONHeader(value) {
  if (!value) {
    return undefined;
  }
  try {
    return JSON.parse(value);
  } catch (_) {
    return undefined;
  }
}

function makeContext(headers, id, finish, callback) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']) || 0;
  const env = process.env;
  const context = {
    awsRequestId: id,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseJSONHeader(headers['lambda-runtime-client-context']),
    identity: parseJSONHeader(headers['lambda-runtime-cognito-identity']),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis() {
      return Math.max(deadline - Date.now(), 0);
    },
    // The legacy completion methods end the invocation at once.
    done(err, result) {
      finish(err, result);
    },
    succeed(result) {
      finish(null, result);
    },
    fail(err) {
      finish(err === undefined || err === null ? 'handled' : err, undefined);
    },
  };
  if (headers['lambda-runtime-aws-tenant-id']) {
    context.tenantId = headers['lambda-runtime-aws-tenant-id'];
  }
  return context;
}

// invoke calls the handler and resolves to {error} or {result} when the
// handler's promise settles, its callback is called (and, unless the
// context says otherwise, the event loop empties), or, for a handler that
// does neither, when the event loop empties.
function invoke(handler, res, id) {
  return new Promise((resolve) => {
    let finished = false;
    let called = false;
    const finish = (err, result) => {
      if (finished) {
        return;
      }
      finished = true;
      resolve(err !== undefined && err !== null ? { error: err } : { result });
    };
    let context;
    const callback = (err, result) => {
      if (finished || called) {
        return;
      }
      called = true;
      if (context.callbackWaitsForEmptyEventLoop) {
        whenIdle(() => finish(err, result));
      } else {
        finish(err, result);
      }
    };
    context = makeContext(res.headers, id, finish, callback);

    let event;
    try {
      const text = res.body.toString('utf8');
      event = text === '' ? null : JSON.parse(text);
    } catch (e) {
      finish(new UnmarshalError(`Unable to unmarshal input: ${e.message}`));
      return;
    }

    let ret;
    try {
      ret = handler(event, context, callback);
    } catch (e) {
      finish(e === undefined || e === null ? new Error(String(e)) : e);
      return;
    }
    if (ret !== null && (typeof ret === 'object' || typeof ret === 'function') && typeof ret.then === 'function') {
      ret.then(
        (result) => finish(null, result),
        (e) => finish(e === undefined || e === null ? new Error(String(e)) : e),
      );
    } else {
      // Lambda answers null for a handler that returns without a promise
      // and never calls back.
      whenIdle(() => {
        if (!called) {
          finish(null, null);
        }
      });
    }
  });
}

let current = null; // the request ID of the invocation under way

async function serve(handler) {
  for (;;) {
    const res = await nextInvocation();
    const id = res.headers['lambda-runtime-aws-request-id'] || '';
    const trace = res.headers['lambda-runtime-trace-id'];
    if (trace) {
      process.env._X_AMZN_TRACE_ID = trace;
    } else {
      delete process.env._X_AMZN_TRACE_ID;
    }
    current = id;
    const outcome = await invoke(handler, res, id);
    current = null;
    if ('error' in outcome) {
      const doc = errorDocument(outcome.error);
      logError(`${new Date().toISOString()}\t${id}\tERROR\tInvoke Error`, doc);
      await postError(id, doc);
      continue;
    }
    let payload;
    try {
      payload = JSON.stringify(outcome.result === undefined ? null : outcome.result);
    } catch (e) {
      const doc = errorDocument(e);
      logError(`${new Date().toISOString()}\t${id}\tERROR\tInvoke Error`, doc);
      await postError(id, doc);
      continue;
    }
    await postResponse(id, payload === undefined ? 'null' : payload);
  }
}

let initialised = false;

// fail reports an error that escaped the handler: as the init error before
// the handler is loaded, otherwise as the current invocation's error. The
// process cannot be trusted afterwards, so it exits.
function fail(e, label) {
  const doc = errorDocument(e);
  logError(`${new Date().toISOString()}\t${current || 'undefined'}\tERROR\t${label}`, doc);
  let report = Promise.resolve();
  if (!initialised) {
    report = postInitError(doc);
  } else if (current !== null) {
    const id = current;
    current = null;
    report = postError(id, doc);
  }
  report.then(
    () => process.exit(129),
    () => process.exit(129),
  );
}

process.on('uncaughtException', (e) => fail(e, 'Uncaught Exception'));
process.on('unhandledRejection', (reason) => {
  let message;
  try {
    message = String(reason);
  } catch (_) {
    message = Object.prototype.toString.call(reason);
  }
  fail(new UnhandledPromiseRejection(message), 'Unhandled Promise Rejection');
});

async function main() {
  if (!process.env.AWS_LAMBDA_RUNTIME_API) {
    process.stderr.write('sluice bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(1);
  }
  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  let handler;
  try {
    handler = await loadHandler(taskRoot, process.env._HANDLER || '');
  } catch (e) {
    const doc = errorDocument(e);
    logError(`${new Date().toISOString()}\tundefined\tERROR\tInit Error`, doc);
    try {
      await postInitError(doc);
    } catch (apiErr) {
      process.stderr.write(`sluice bootstrap: ${apiErr.message}\n`);
    }
    process.exit(1);
  }
  initialised = true;
  try {
    await serve(handler);
  } catch (e) {
    process.stderr.write(`sluice bootstrap: ${e && e.message}\n`);
    process.exit(1);
  }
}

main();
