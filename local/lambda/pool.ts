// Local Lambda: each function runs in its own child processes ("instances"), each with the
// function's recorded environment plus what the Lambda service sets (region, function name,
// credentials, AWS_ENDPOINT_URL_<SERVICE> pointing at the emulators). One invocation at a
// time per instance, up to `maxInstances` in parallel, the function's timeout enforced by
// ending the instance; stdout and stderr go to the function's log file.
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface LocalFunctionSpec {
  name: string;
  arn: string;
  /** The deployed bundle (index.js). */
  code: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Everything the instance's process.env holds. */
  environment: Record<string, string>;
}

export type InvokeResult =
  | { result: unknown; error?: undefined }
  | { error: { errorType: string; errorMessage: string }; result?: undefined };

interface Instance {
  process: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

export class LocalFunction {
  private readonly instances: Instance[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, { resolve: (r: InvokeResult) => void; instance: Instance }>();
  private nextId = 1;
  private stopped = false;
  readonly codeFile: string;
  /** Milliseconds spent inside the function (from sending the event to its answer), for the bench. */
  handlerMs = 0;
  invocations = 0;

  constructor(
    readonly spec: LocalFunctionSpec,
    private readonly hostFile: string,
    dir: string,
    private readonly logFile: string,
    private readonly maxInstances = 4,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.codeFile = path.join(dir, "index.js");
    fs.writeFileSync(this.codeFile, spec.code);
  }

  /** Starts one instance ahead of the first call (the cold start happens at start-up). */
  async warm(): Promise<void> {
    if (this.instances.length === 0) await this.spawn().ready;
  }

  private spawn(): Instance {
    const log = fs.openSync(this.logFile, "a");
    const child = fork(this.hostFile, [], {
      env: {
        ...this.spec.environment,
        LOCAL_LAMBDA_CODE: this.codeFile,
        LOCAL_LAMBDA_ARN: this.spec.arn,
        _HANDLER: this.spec.handler,
      },
      stdio: ["ignore", log, log, "ipc"],
      execArgv: [],
    });
    fs.closeSync(log);
    const instance: Instance = { process: child, busy: false, ready: undefined as unknown as Promise<void> };
    instance.ready = new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.on("message", (message: any) => {
        if (message.ready) return resolve();
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        call.resolve(message.error ? { error: message.error } : { result: message.result });
      });
      child.once("exit", (code) => {
        reject(new Error(`${this.spec.name} exited during start (${code})`));
        this.drop(instance, { errorType: "Runtime.ExitError", errorMessage: `RequestId: exited with code ${code}` });
      });
    });
    this.instances.push(instance);
    return instance;
  }

  /** Forgets an instance and fails what it was running. */
  private drop(instance: Instance, error: { errorType: string; errorMessage: string }) {
    const at = this.instances.indexOf(instance);
    if (at >= 0) this.instances.splice(at, 1);
    for (const [id, call] of this.pending) {
      if (call.instance === instance) {
        this.pending.delete(id);
        call.resolve({ error });
      }
    }
    this.release();
  }

  private async acquire(): Promise<Instance> {
    for (;;) {
      if (this.stopped) throw new Error(`${this.spec.name} is stopped`);
      const idle = this.instances.find((i) => !i.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.instances.length < this.maxInstances) {
        const instance = this.spawn();
        instance.busy = true;
        return instance;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release() {
    this.waiting.shift()?.();
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    const instance = await this.acquire();
    try {
      await instance.ready;
    } catch (err) {
      return { error: { errorType: "Runtime.ExitError", errorMessage: (err as Error).message } };
    }
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const started = performance.now();
    const reply = await new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        // As Lambda does: the instance is ended, the invocation fails.
        this.drop(instance, {
          errorType: "Sandbox.Timedout",
          errorMessage: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
        });
        instance.process.kill("SIGKILL");
      }, timeoutMs);
      this.pending.set(id, {
        instance,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      instance.process.send({ id, event, requestId: randomUUID(), deadline: Date.now() + timeoutMs });
    });
    this.handlerMs += performance.now() - started;
    this.invocations += 1;
    instance.busy = false;
    this.release();
    return reply;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const exits = this.instances.map(
      (i) =>
        new Promise<void>((resolve) => {
          if (i.process.exitCode !== null || i.process.signalCode !== null) return resolve();
          i.process.once("exit", () => resolve());
          i.process.kill("SIGTERM");
        }),
    );
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(exits);
  }
}
