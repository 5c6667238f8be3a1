/**
 * mocklambda's Node.js runtime client: the program every nodejs18.x/20.x/22.x function process runs.
 *
 * It does what AWS's Node.js runtime interface client does inside a Lambda sandbox, against the Runtime API
 * at AWS_LAMBDA_RUNTIME_API: load the handler named by _HANDLER from LAMBDA_TASK_ROOT (CommonJS, ES modules,
 * .cjs), then loop GET /next -> run the handler -> POST /response or /error; report init failures to
 * /init/error and exit. Console output is rewritten to Lambda's log formats (Text or JSON), errors are posted
 * and logged in the shapes AWS's client uses, the context object carries the same fields, and the
 * callback / context.succeed / callbackWaitsForEmptyEventLoop semantics are those of the Node runtime.
 *
 * It must not: use anything but Node's built-in modules (no npm: it runs with the function's NODE_PATH,
 * not ours), know anything of mocklambda beyond the Runtime API, or print anything of its own to stdout
 * (stdout is the function's log). It was written from AWS's documented behaviour, not copied from AWS's code.
 */
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const util = require('node:util');
const { Writable } = require('node:stream');
const { finished } = require('node:stream/promises');
const { pathToFileURL } = require('node:url');

const API_PREFIX = '/2018-06-01/runtime';
// Where AWS's managed runtime lives. Module-not-found messages name the requiring file ("Require stack"); we
// show this path instead of ours, so messages read exactly as on AWS.
const AWS_RUNTIME_ENTRY = '/var/runtime/index.mjs';
// The global key under which AWS's client keeps the current request id (libraries read it from there).
const REQUEST_ID_KEY = Symbol.for('aws.lambda.runtime.requestId');
const STREAMING_KEY = Symbol.for('aws.lambda.runtime.handler.streaming');
// AWS's client exits with these after reporting an uncaught exception / unhandled rejection.
const EXIT_UNCAUGHT_EXCEPTION = 129;
const EXIT_UNHANDLED_REJECTION = 128;
// The X-Ray error cause travels in a request header; our Runtime API (like any HTTP server) refuses header
// lines over 64 KiB, so a larger cause is left out rather than losing the error report itself.
const MAX_XRAY_CAUSE = 32 * 1024;
const NOOP = () => {};

// ---------------------------------------------------------------------------------------------- errors

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by ' +
        'a Promise that was never settled. For more information, see ' +
        'https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
for (const cls of [ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError,
  UnhandledPromiseRejection, NodeJsExit]) {
  cls.prototype.name = `Runtime.${cls.name}`;
}

function isErrorLike(value) {
  return Boolean(value) && typeof value.name === 'string' && typeof value.message === 'string' &&
    typeof value.stack === 'string' && value.name !== '' && value.message !== '' && value.stack !== '';
}

function asError(value) {
  return value instanceof Error ? value : new Error(value);
}

/** The body posted to /error and /init/error: AWS's Node client uses `trace`, not `stackTrace`. */
function errorBody(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_unreadable) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one ' +
        'or more of its message, name, and stack',
    };
  }
}

/** An Error as the Text log shows it: type, message, code, its own enumerable fields, stack as lines. */
function errorForLog(value) {
  if (!(value instanceof Error)) {
    return value;
  }
  const shown = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
  if (typeof value.stack === 'string') {
    shown.stack = value.stack.split('\n');
  }
  return shown;
}

/** X-Ray's error cause: the frames of the stack, parsed; '' when it cannot be built. */
function xrayCause(error) {
  try {
    const frames = [];
    const lines = typeof error.stack === 'string' ? error.stack.split('\n').slice(1) : [];
    for (const line of lines) {
      const match = /^\s*at (?:(.*?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
      if (match) {
        frames.push({ path: match[2], line: Number(match[3]), label: match[1] || 'anonymous' });
      }
    }
    const cause = JSON.stringify({
      working_directory: process.cwd(),
      exceptions: [{ type: error.name, message: error.message, stack: frames }],
      paths: [...new Set(frames.map((frame) => frame.path))],
    });
    // Header values must be Latin-1: escape everything else as JSON does.
    const ascii = cause.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return ascii.length <= MAX_XRAY_CAUSE ? ascii : '';
  } catch (_unreadable) {
    return '';
  }
}

// ------------------------------------------------------------------------------------------------- logs

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

function currentRequestId() {
  return globalThis[REQUEST_ID_KEY];
}

function textLine(level, args) {
  return `${new Date().toISOString()}\t${currentRequestId()}\t${level}\t${util.format(...args)}`;
}

function errorFieldsForJson(error) {
  return {
    errorType: error?.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : error.stack,
  };
}

function jsonLine(level, args) {
  const record = { timestamp: new Date().toISOString(), level, requestId: currentRequestId() };
  if (args.length === 1) {
    record.message = args[0];
    try {
      return JSON.stringify(record, (_key, value) =>
        value instanceof Error ? Object.assign(errorFieldsForJson(value), value) : value);
    } catch (_circular) {
      record.message = util.format(args[0]);
      return JSON.stringify(record);
    }
  }
  record.message = util.format(...args);
  const error = args.find((arg) => arg instanceof Error);
  if (error) {
    Object.assign(record, errorFieldsForJson(error));
    if (!Array.isArray(record.stackTrace)) {
      record.stackTrace = [];
    }
  }
  return JSON.stringify(record);
}

/**
 * Replace console's level methods by Lambda's log lines (one line per call: newlines become \r, as Lambda
 * keeps one log event per line), filtered by AWS_LAMBDA_LOG_LEVEL. Returns logError(title, error), which
 * logs a failure the way the Node runtime does ("Invoke Error", "Uncaught Exception", ...).
 */
function patchConsole(env) {
  const json = (env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  const threshold = LEVELS[(env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
  const format = json ? jsonLine : textLine;
  const writer = (level) => (...args) => {
    // console.log() with no argument logs "undefined", as the Node runtime does.
    const line = format(level, args.length === 0 ? [undefined] : args);
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  };
  const method = (level) => (LEVELS[level] >= threshold ? writer(level) : NOOP);
  console.trace = method('TRACE');
  console.debug = method('DEBUG');
  console.info = method('INFO');
  console.log = console.info;
  console.warn = method('WARN');
  console.error = method('ERROR');
  console.fatal = writer('FATAL');
  if (json) {
    return (_title, error) => console.error(asError(error));
  }
  return (title, error) => {
    let shown;
    try {
      shown = JSON.stringify(asError(error), (_key, value) => errorForLog(value));
    } catch (_circular) {
      shown = JSON.stringify(errorBody(error));
    }
    console.error(title, '\t' + shown);
  };
}

// ------------------------------------------------------------------------------------------ Runtime API

class RuntimeApiUnavailable extends Error {}

/** The HTTP side: one keep-alive connection to the Runtime API, one request at a time. */
class RuntimeApi {
  constructor(address) {
    const separator = address.lastIndexOf(':');
    this.host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(address.slice(separator + 1));
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** One request; `ownConnection` bypasses the kept-alive connection, which a pending /next may hold. */
  request(method, route, body, headers, { ownConnection = false, retried = false } = {}) {
    return new Promise((resolve, reject) => {
      const options = { host: this.host, port: this.port, path: API_PREFIX + route, method,
        agent: ownConnection ? false : this.agent, headers: Object.assign({}, headers) };
      if (body !== undefined) {
        options.headers['Content-Length'] = Buffer.byteLength(body);
      }
      const request = http.request(options, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers,
          body: Buffer.concat(chunks) }));
        response.on('error', (error) => reject(new RuntimeApiUnavailable(String(error))));
      });
      request.on('error', (error) => {
        // A kept-alive connection the server closed meanwhile fails on first use: one new connection is
        // allowed (Node's documented pattern for keep-alive agents).
        if (request.reusedSocket && error.code === 'ECONNRESET' && !retried) {
          this.request(method, route, body, headers, { ownConnection, retried: true }).then(resolve, reject);
        } else {
          reject(new RuntimeApiUnavailable(`${method} ${route}: ${error.message}`));
        }
      });
      request.end(body);
    });
  }

  async next() {
    const reply = await this.request('GET', '/invocation/next');
    if (reply.status !== 200) {
      throw new RuntimeApiUnavailable(`GET /invocation/next answered ${reply.status}: ${reply.body}`);
    }
    return reply;
  }

  postResponse(requestId, body, contentType) {
    return this.request('POST', `/invocation/${encodeURIComponent(requestId)}/response`, body,
      { 'Content-Type': contentType });
  }

  postError(requestId, error, options) {
    const body = errorBody(error);
    const headers = { 'Content-Type': 'application/json',
      'Lambda-Runtime-Function-Error-Type': headerValue(body.errorType) };
    const cause = xrayCause(error);
    if (cause) {
      headers['Lambda-Runtime-Function-XRay-Error-Cause'] = cause;
    }
    return this.request('POST', `/invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(body),
      headers, options);
  }

  postInitError(error, options) {
    const body = errorBody(error);
    return this.request('POST', '/init/error', JSON.stringify(body),
      { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': headerValue(body.errorType) },
      options);
  }
}

/** A header value Node accepts whatever the error's name: the body carries the exact text anyway. */
function headerValue(text) {
  return String(text).replace(/[^\x20-\x7e]/g, '?');
}

function exitRuntimeApiGone(error) {
  // The environment is being torn down (or was never reachable): nothing to report to, so just end.
  process.stderr.write(`mocklambda node bootstrap: Runtime API unavailable: ${error.message}\n`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------- handler loading

function packageTypeIsModule(folder) {
  // The nearest package.json decides whether .js is an ES module; node_modules and / end the search.
  for (let dir = folder; !dir.endsWith('/node_modules');) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
      } catch (error) {
        console.warn(`${manifest} cannot be read, it will be ignored for ES module detection purposes.`, error);
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return false;
    }
    dir = parent;
  }
  return false;
}

function requireIfExists(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function importIfExists(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

/** The module as Lambda's Node runtime finds it: extensionless, .js (CommonJS unless "type": "module"),
 * .mjs, .cjs, then Node's own resolution from the task root (node_modules, NODE_PATH). */
async function loadModule(taskRoot, moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const found = requireIfExists(base);
  if (found) {
    return found;
  }
  const esm = packageTypeIsModule(path.dirname(base));
  if (!esm) {
    const commonJs = requireIfExists(base + '.js');
    if (commonJs) {
      return commonJs;
    }
  }
  const other = (esm && (await importIfExists(base + '.js'))) || (await importIfExists(base + '.mjs')) ||
    requireIfExists(base + '.cjs');
  if (other) {
    return other;
  }
  return require(require.resolve(moduleName, { paths: [taskRoot, path.join(taskRoot, moduleRoot)] }));
}

async function loadHandler(taskRoot, handlerString) {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerName(`'${handlerString}' is not a valid handler name. Use absolute paths when ` +
      'specifying root directories in handler names.');
  }
  // "path/to/module.export.path": the directory part, then module and (possibly nested) export.
  const fileAndExport = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - fileAndExport.length);
  const parts = /^([^.]*)\.(.*)$/.exec(fileAndExport);
  if (!parts) {
    throw new MalformedHandlerName('Bad handler');
  }
  const [, moduleName, exportPath] = parts;
  let loaded;
  try {
    loaded = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new UserCodeSyntaxError(String(error));
    }
    if (error && error.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(String(error).split(__filename).join(AWS_RUNTIME_ENTRY));
    }
    throw error;
  }
  const handler = exportPath.split('.').reduce((value, key) => value && value[key], loaded);
  if (!handler) {
    throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw new HandlerNotFound(`${handlerString} is not a function`);
  }
  return handler;
}

/** `awslambda` is a global in Lambda's Node runtime (response streaming helpers). */
function installAwsLambdaGlobal(env) {
  if (env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === '1' || env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === 'true') {
    return;
  }
  globalThis.awslambda = {
    streamifyResponse(handler) {
      handler[STREAMING_KEY] = 'response';
      return handler;
    },
    HttpResponseStream: {
      // Function URLs read a JSON prelude (status, headers), then eight NUL bytes, then the body.
      from(stream, prelude) {
        stream.setContentType('application/vnd.awslambda.http-integration-response');
        stream.write(JSON.stringify(prelude));
        stream.write(Buffer.alloc(8));
        return stream;
      },
    },
  };
}

// -------------------------------------------------------------------------------------------- invoking

function parseHeaderJson(text, name) {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error.toString()}`);
  }
}

function invokeContext(callbacks, headers, env) {
  const deadlineMs = Number(headers['lambda-runtime-deadline-ms']);
  const context = Object.assign(callbacks, {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  });
  return Object.assign(context, {
    clientContext: parseHeaderJson(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseHeaderJson(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadlineMs - Date.now(),
  });
}

function isThenable(value) {
  return Boolean(value) && typeof value.then === 'function';
}

/** Buffers a streaming handler's output; it is posted as one response when the handler is done (the
 * Invoke API returns it whole). */
class BufferedResponseStream extends Writable {
  constructor() {
    super();
    this.chunks = [];
    this.contentType = 'application/octet-stream';
  }

  setContentType(contentType) {
    this.contentType = contentType;
  }

  _write(chunk, _encoding, callback) {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
}

class Runtime {
  constructor(api, handler, logError, env) {
    this.api = api;
    this.handler = handler;
    this.logError = logError;
    this.env = env;
    this.isAsync = handler.constructor?.name === 'AsyncFunction';
    this.streaming = handler[STREAMING_KEY] === 'response';
    this.requestId = undefined; // the last invocation: where uncaught errors are reported
    this.onEmptyEventLoop = NOOP; // what 'beforeExit' does during the current invocation
  }

  scheduleNext() {
    setImmediate(() => this.invokeNext().catch(exitRuntimeApiGone));
  }

  after(posting) {
    posting.then(() => this.scheduleNext(), exitRuntimeApiGone);
  }

  postResult(requestId, result) {
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch (_unserialisable) {
      this.postFailure(requestId, new Error('Unable to stringify response body'));
      return;
    }
    this.after(this.api.postResponse(requestId, body, 'application/json'));
  }

  postFailure(requestId, error) {
    this.logError('Invoke Error', error);
    this.after(this.api.postError(requestId, error));
  }

  /** The callback, and the context's callback part, of one invocation: the first report wins. */
  callbacks(requestId) {
    let waitForEmptyEventLoop = true;
    let reported = false;
    let finished = false;
    const respond = (result) => {
      if (reported) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once ' +
          'per invocation.');
        return;
      }
      reported = true;
      this.postResult(requestId, result);
    };
    const done = (error, result) => {
      this.onEmptyEventLoop = NOOP;
      if (error !== undefined && error !== null) {
        this.postFailure(requestId, error);
      } else {
        respond(result);
      }
    };
    const callback = (error, result) => {
      this.onEmptyEventLoop = NOOP;
      if (error !== undefined && error !== null) {
        this.postFailure(requestId, error);
      } else if (!waitForEmptyEventLoop) {
        respond(result);
      } else {
        // Lambda's callback contract: the response goes once nothing else is left to run.
        this.onEmptyEventLoop = () => setImmediate(() => respond(result));
      }
    };
    const once = (fn) => (...args) => {
      if (!finished) {
        fn(...args);
        finished = true;
      }
    };
    // The handler neither called back nor settled its promise, and nothing is left to run.
    this.onEmptyEventLoop = () => {
      reported = true;
      if (this.isAsync) {
        this.postFailure(requestId, new NodeJsExit());
      } else {
        this.after(this.api.postResponse(requestId, 'null', 'application/json'));
      }
    };
    const contextPart = {
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyEventLoop;
      },
      set callbackWaitsForEmptyEventLoop(value) {
        waitForEmptyEventLoop = value;
      },
      succeed: once((result) => done(null, result)),
      fail: once((error) => done(error === undefined || error === null ? 'handled' : error, null)),
      done: once(done),
    };
    return { callback: once(callback), contextPart };
  }

  async invokeNext() {
    const { body, headers } = await this.api.next();
    const requestId = headers['lambda-runtime-aws-request-id'];
    this.requestId = requestId;
    globalThis[REQUEST_ID_KEY] = requestId;
    if (this.streaming) {
      await this.invokeStreaming(requestId, body, headers);
      return;
    }
    const { callback, contextPart } = this.callbacks(requestId);
    try {
      const event = JSON.parse(body.toString('utf8'));
      this.forwardTraceId(headers);
      const context = invokeContext(contextPart, headers, this.env);
      const result = this.handler(event, context, callback);
      if (isThenable(result)) {
        result.then(contextPart.succeed, contextPart.fail);
      }
    } catch (error) {
      callback(error);
    }
  }

  async invokeStreaming(requestId, body, headers) {
    this.onEmptyEventLoop = () => this.postFailure(requestId, new NodeJsExit());
    const stream = new BufferedResponseStream();
    try {
      const event = JSON.parse(body.toString('utf8'));
      this.forwardTraceId(headers);
      const context = invokeContext({ callbackWaitsForEmptyEventLoop: false }, headers, this.env);
      const pending = this.handler(event, stream, context);
      if (!isThenable(pending)) {
        throw new Error('Streaming does not support non-async handlers.');
      }
      if ((await pending) !== undefined) {
        console.warn('Streaming handlers ignore return values.');
      }
      if (!stream.writableEnded) {
        throw new Error('Response stream is not finished.');
      }
      await finished(stream);
      this.onEmptyEventLoop = NOOP;
      this.after(this.api.postResponse(requestId, Buffer.concat(stream.chunks), stream.contentType));
    } catch (error) {
      this.onEmptyEventLoop = NOOP;
      this.postFailure(requestId, error);
    }
  }

  forwardTraceId(headers) {
    const traceId = headers['lambda-runtime-trace-id'];
    if (traceId) {
      process.env._X_AMZN_TRACE_ID = traceId;
    } else {
      delete process.env._X_AMZN_TRACE_ID;
    }
  }

  /** An uncaught exception or unhandled rejection ends the process, after it is reported (to the last
   * invocation, as AWS's client does). Lambda would have frozen the process after its response, so such an
   * error could not fire between invocations there; here it can, while /next holds the kept-alive
   * connection: hence a connection of its own. */
  fail(error, exitCode) {
    const options = { ownConnection: true };
    const posting = this.requestId === undefined ? this.api.postInitError(error, options)
      : this.api.postError(this.requestId, error, options);
    posting.then(() => process.exit(exitCode), () => process.exit(exitCode));
  }
}

// ----------------------------------------------------------------------------------------------- main

async function main() {
  const env = process.env;
  const logError = patchConsole(env);
  if (!env.AWS_LAMBDA_RUNTIME_API) {
    process.stderr.write('mocklambda node bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(1);
  }
  const api = new RuntimeApi(env.AWS_LAMBDA_RUNTIME_API);
  let runtime; // set once the handler is loaded; until then failures are init errors
  const fail = (error, exitCode) => {
    if (runtime) {
      runtime.fail(error, exitCode);
    } else {
      api.postInitError(error).then(() => process.exit(exitCode), () => process.exit(exitCode));
    }
  };
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    fail(error, EXIT_UNCAUGHT_EXCEPTION);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', error);
    fail(error, EXIT_UNHANDLED_REJECTION);
  });
  process.on('beforeExit', () => runtime && runtime.onEmptyEventLoop());

  installAwsLambdaGlobal(env);
  let handler;
  try {
    handler = await loadHandler(env.LAMBDA_TASK_ROOT || process.cwd(), env._HANDLER || '');
  } catch (error) {
    // AWS's runtime loads the handler at top level, so a load failure surfaces as an uncaught exception.
    logError('Uncaught Exception', error);
    fail(error, EXIT_UNCAUGHT_EXCEPTION);
    return;
  }
  runtime = new Runtime(api, handler, logError, env);
  runtime.scheduleNext();
}

main();
