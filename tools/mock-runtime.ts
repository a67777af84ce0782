// Runs the Pulumi program in-process under Pulumi's mock runtime and records
// every resource registration the engine would receive: type, name, parent,
// the URNs it waits for (explicit dependsOn plus input dependencies), and its
// inputs with every secret replaced by "[secret]" (and a hash per secret, so plan diffs see a change
// without the value). No cloud, CLI or credentials.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Lifecycle options as the engine receives them (README, "Plan format"). */
export interface PlannedOptions {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
  replaceOnChanges: string[];
  /** URN of the resource whose deletion deletes this one, or null. */
  deletedWith: string | null;
}

/** The options of a resource registered with none set. */
export const noOptions: PlannedOptions = { protect: false, ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false, replaceOnChanges: [], deletedWith: null };

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  dependsOn: string[];
  inputs: Record<string, unknown>;
  options: PlannedOptions;
  /**
   * Input path (dotted, array indexes as numbers) -> a short hash of each redacted secret's value,
   * so `plan:diff` can say a secret changed without showing it. Offline, stack secrets are
   * placeholders and generated ones mocks, so no real secret is ever hashed. Absent if none.
   */
  secretHashes?: Record<string, string>;
}

export interface Plan {
  stack: string;
  resources: PlannedResource[];
}

export const redacted = "[secret]";
/** Mock value of generated secrets (random passwords); it must only ever appear redacted. */
export const generatedSecretMock = "mock-generated-secret-";

// Wire-format signatures of Pulumi's property serialization (sdk/nodejs/runtime/rpc.ts).
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const resourceSig = "5cf8f73096256a8f31e491e813e4eb8e";
const outputSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A stable short hash of a secret's (unredacted) value: equal values, equal hashes. */
export function secretHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(redact(value) ?? null)).digest("hex").slice(0, 16);
}

/**
 * Wire value -> plain JSON, secrets redacted, resource references as URNs. With `hashes`, each
 * redacted secret's hash is recorded under its path.
 */
export function redact(value: unknown, hashes?: Record<string, string>, path = ""): unknown {
  if (value === unknownValue) return "[unknown]";
  const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
  if (Array.isArray(value)) return value.map((v, i) => redact(v, hashes, at(i)));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[sigKey];
    const secret = (inner: unknown) => {
      if (hashes) hashes[path] = secretHash(inner);
      return redacted;
    };
    if (sig === secretSig) return secret(obj.value);
    if (sig === resourceSig) return obj.urn;
    if (sig === outputSig) return obj.secret ? secret(obj.value) : "value" in obj ? redact(obj.value, hashes, path) : "[unknown]";
    if (typeof sig === "string") return `[${sig}]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = redact(v, hashes, at(k));
    return out;
  }
  return value;
}

const account = "123456789012";
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Plausible outputs for the few resources whose outputs other resources read. */
function mockState(args: pulumi.runtime.MockResourceArgs, region: string, project: string): Record<string, unknown> {
  const i = args.inputs as Record<string, any>;
  const name = i.name ?? args.name;
  const state: Record<string, unknown> = { ...i, name };
  if (args.type.startsWith("aws:")) {
    const service = args.type.split(":")[1].split("/")[0];
    state.arn = `arn:aws:${service}:${region}:${account}:${args.name}`;
  }
  switch (args.type) {
    case "gcp:container/cluster:Cluster":
      Object.assign(state, { endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: b64("mock-ca") } });
      break;
    case "gcp:serviceaccount/account:Account": {
      const email = `${i.accountId}@${i.project ?? project}.iam.gserviceaccount.com`;
      Object.assign(state, { email, member: `serviceAccount:${email}`, name: `projects/${i.project ?? project}/serviceAccounts/${email}` });
      break;
    }
    case "aws:eks/cluster:Cluster":
      Object.assign(state, {
        vpcConfig: { ...i.vpcConfig, clusterSecurityGroupId: "sg-0mockcluster" },
        endpoint: `https://mock.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: b64("mock-ca") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/MOCKOIDC` }] }],
      });
      break;
    case "aws:iam/role:Role":
      state.arn = `arn:aws:iam::${account}:role/${i.name ?? args.name}`;
      break;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      state.arn = `arn:aws:iam::${account}:oidc-provider/${String(i.url).replace(/^https:\/\//, "")}`;
      break;
    case "aws:ec2/launchTemplate:LaunchTemplate":
      state.latestVersion = 1;
      break;
    case "kubernetes:helm.sh/v4:Chart":
      state.resources = [];
      break;
    case "random:index/randomId:RandomId":
      Object.assign(state, { hex: "a1b2c3", b64Url: "obLD", b64Std: "obLD", dec: "10597059" });
      break;
    case "gcp:projects/iAMCustomRole:IAMCustomRole":
      state.name = `projects/${i.project ?? project}/roles/${i.roleId}`;
      break;
    case "random:index/randomPassword:RandomPassword":
      state.result = `${generatedSecretMock}${args.name}`;
      break;
    case "gcp:sql/databaseInstance:DatabaseInstance":
      // Private services access hands out an address from the peered range.
      Object.assign(state, { privateIpAddress: "10.100.0.3", connectionName: `${i.project ?? project}:${i.region}:${i.name}` });
      break;
    case "aws:rds/instance:Instance": {
      // With identifierPrefix the provider appends a unique 26-character suffix.
      const identifier = i.identifier ?? `${i.identifierPrefix ?? args.name}20260101000000000000000001`;
      const address = `${identifier}.cmock.${region}.rds.amazonaws.com`;
      Object.assign(state, { identifier, address, port: 5432, endpoint: `${address}:5432` });
      break;
    }
    case "aws:s3/bucket:Bucket":
      // With bucketPrefix the provider appends a unique suffix (a timestamp and a counter, 26 characters).
      state.bucket = i.bucket ?? (i.bucketPrefix ? `${i.bucketPrefix}20260101000000000000000001` : args.name);
      break;
  }
  return state;
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Flat Pulumi config map, e.g. {"platform:tier": "dev", "platform:cloud": "{...}"}. */
  config: Record<string, string>;
  secretKeys: string[];
  program: () => Promise<Record<string, unknown> | undefined>;
}

export interface RunResult {
  plan: Plan;
  outputs: Record<string, unknown>;
}

/** Runs `program` under mocks and returns what it would create. Throws what the program throws. */
export async function runUnderMocks(o: RunOptions): Promise<RunResult> {
  // Outputs that echo the stack's own settings (its AWS region, its GCP project), read from its providers.
  let awsRegion = "us-mock-1";
  let gcpProject = "unknown-project";
  pulumi.runtime.setAllConfig(o.config, o.secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type === "pulumi:providers:aws" && args.inputs.region) awsRegion = args.inputs.region;
        if (args.type === "pulumi:providers:gcp" && args.inputs.project) gcpProject = args.inputs.project;
        return { id: `${args.name}-id`, state: mockState(args, awsRegion, gcpProject) };
      },
      call(args) {
        // aws.eks.getAddonVersion: a build for the Kubernetes version asked for, as EKS names them.
        if (args.token === "aws:eks/getAddonVersion:getAddonVersion") {
          return { ...args.inputs, id: args.inputs.addonName, version: `v0.0.0-for-${args.inputs.kubernetesVersion}-eksbuild.1` };
        }
        return args.inputs;
      },
    },
    o.project,
    o.stack,
    false,
  );

  const records: PlannedResource[] = [];
  // The mock monitor qualifies a type with its parent's type only; the engine
  // qualifies it with the parent's whole type chain (and omits the root Stack).
  // Rewrite to the engine's form so plan URNs are the URNs a real stack has.
  const engineUrns = new Map<string, string>();
  const engineUrn = (mockUrn: string, type: string, name: string, parent: string) => {
    const parentUrn = engineUrns.get(parent);
    const parentType = parentUrn ? parentUrn.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    const urn = `urn:pulumi:${o.stack}::${o.project}::${qualified}::${name}`;
    engineUrns.set(mockUrn, urn);
    return urn;
  };
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: any, cb: (err: unknown, resp?: unknown) => void): void;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    register(req, (err, resp: any) => {
      if (!err && resp) {
        const parent: string = req.getParent();
        // A provider reference is "<urn>::<id>"; the resource waits for its provider like for any dependency.
        const providerRef: string = req.getProvider?.() ?? "";
        const provider = providerRef ? [providerRef.slice(0, providerRef.lastIndexOf("::"))] : [];
        const hashes: Record<string, string> = {};
        const inputs = redact(req.getObject()?.toJavaScript() ?? {}, hashes) as Record<string, unknown>;
        records.push({
          urn: engineUrn(resp.getUrn(), req.getType(), req.getName(), parent),
          type: req.getType(),
          name: req.getName(),
          parent: engineUrns.get(parent) ?? null,
          dependsOn: [...new Set<string>([...provider, ...req.getDependenciesList()])].map((u) => engineUrns.get(u) ?? u),
          inputs,
          options: {
            protect: req.getProtect(),
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            retainOnDelete: req.getRetainondelete(),
            replaceOnChanges: req.getReplaceonchangesList(),
            deletedWith: req.getDeletedwith() ? (engineUrns.get(req.getDeletedwith()) ?? req.getDeletedwith()) : null,
          },
          ...(Object.keys(hashes).length > 0 ? { secretHashes: hashes } : {}),
        });
      }
      cb(err, resp);
    });
  };

  const failures: unknown[] = [];
  const onRejection = (e: unknown) => failures.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    // Keep the program's own return value: the stack's resolved outputs would have lost their secretness.
    let outputs: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => (outputs = (await o.program()) ?? {}));
    const serialized = await pulumi.runtime.serializeProperties("outputs", outputs);
    await pulumi.runtime.disconnect();
    if (failures.length > 0) throw failures[0];
    return { plan: { stack: o.stack, resources: records }, outputs: redact(serialized) as Record<string, unknown> };
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}
