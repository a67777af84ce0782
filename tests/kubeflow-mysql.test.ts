// Pipelines' and Katib's bundled MySQL over the offline plan of every committed stack: the root
// Secrets are the program's (generated password, Pulumi secret, never rotated by an edit), exist
// in kubeflow after the namespace and before their overlay, and the overlay the Directory applies
// deletes upstream's Secret of that name. That the servers and clients in the render read these
// Secrets is checked by `npm run check:kustomize` (tests/kubeflow-overlays.test.ts covers its checks).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { cachedPlan, ofType } from "./helpers";
import { generatedSecretMock, redacted, secretHash, type Plan, type PlannedResource } from "../tools/mock-runtime";
import { repoRoot } from "../tools/stack-file";
import { overlayPath } from "../components/ml/kubeflow/manifests";
import { kubeflowMysql, mysqlUser } from "../components/ml/kubeflow/mysql-secrets";

const stacks = ["local", "gke-dev", "eks-dev", "prod", "ephemeral"];
const byUrn = (plan: Plan) => new Map(plan.resources.map((r) => [r.urn, r]));
const secretsNamed = (plan: Plan, name: string) => ofType(plan, "kubernetes:core/v1:Secret").filter((r) => (r.inputs as any).metadata?.name === name);
const directory = (plan: Plan, overlay: string) => ofType(plan, "kubernetes:kustomize/v2:Directory").find((d) => (d.inputs as any).directory === overlayPath(overlay as any))!;

for (const s of stacks) {
  test(`stack ${s}: each bundled MySQL's root Secret holds a generated password, as a Pulumi secret`, async () => {
    const plan = await cachedPlan(s);
    const urns = byUrn(plan);
    for (const [server, m] of Object.entries(kubeflowMysql)) {
      const found = secretsNamed(plan, m.secret);
      assert.equal(found.length, 1, `${s}: one Secret ${m.secret}`);
      const secret = found[0];
      assert.equal((secret.inputs as any).metadata.namespace, "kubeflow");
      assert.equal((secret.inputs as any).stringData, redacted, `${s}: ${m.secret} is a Pulumi secret`);
      assert.equal((secret.inputs as any).data, undefined);
      const generators = secret.dependsOn.map((u) => urns.get(u)!).filter((r) => r.type === "random:index/randomPassword:RandomPassword");
      assert.equal(generators.length, 1, `${s}: ${m.secret} is made from one generated password`);
      const gen = generators[0];
      assert.equal(gen.name, `kubeflow-${server}-mysql-root`);
      // The redacted value's hash is the mock's generated value under the keys the clients read: not "", not "test".
      const password = `${generatedSecretMock}${gen.name}`;
      const expected = "userKey" in m ? [{ [m.passwordKey]: password, [m.userKey]: mysqlUser }, { [m.userKey]: mysqlUser, [m.passwordKey]: password }] : [{ [m.passwordKey]: password }];
      assert.ok(expected.map(secretHash).includes(secret.secretHashes?.stringData ?? ""), `${s}: ${m.secret} holds exactly ${Object.keys(expected[0]).join(" and ")} with the generated password`);
    }
  });

  test(`stack ${s}: the root passwords never rotate by themselves or by an edit, and suit bash and $(VAR) expansion`, async () => {
    const plan = await cachedPlan(s);
    const gens = ofType(plan, "random:index/randomPassword:RandomPassword").filter((r) => /^kubeflow-.*-mysql-root$/.test(r.name));
    assert.equal(gens.length, Object.keys(kubeflowMysql).length);
    for (const g of gens) {
      const i = g.inputs as any;
      assert.ok(i.length >= 32, `${g.name}: at least 32 characters`);
      assert.equal(i.special, false, `${g.name}: letters and digits only (Katib's probe passes it unquoted through bash)`);
      assert.equal(i.keepers, undefined, `${g.name}: no keepers (a changed keeper would replace the password)`);
      // MySQL keeps the password of its first start in its data: a replaced password locks every client out.
      for (const input of ["length", "special", "upper", "lower", "numeric", "number", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial", "keepers"]) {
        assert.ok(g.options.ignoreChanges.includes(input), `${g.name}: ignores changes to ${input}`);
      }
    }
  });

  test(`stack ${s}: each root Secret waits for the kubeflow namespace, its overlay waits for it, and the overlay deletes upstream's`, async () => {
    const plan = await cachedPlan(s);
    const urns = byUrn(plan);
    const platform = directory(plan, "platform");
    for (const m of Object.values(kubeflowMysql)) {
      const [secret] = secretsNamed(plan, m.secret);
      assert.ok(secret.dependsOn.includes(platform.urn), `${s}: ${m.secret} waits for the Directory that creates namespace kubeflow`);
      const dir = directory(plan, m.overlay);
      assert.ok(dir.dependsOn.includes(secret.urn), `${s}: ${m.overlay} waits for ${m.secret} (the server initializes with it; clients need it to start)`);
      // The Directory applies this overlay: upstream's Secret of the same name must not come with it.
      const k = parse(readFileSync(join(repoRoot, (dir.inputs as any).directory, "kustomization.yaml"), "utf8"));
      const deleted = (k.patches as { patch?: string }[]).some((p) => {
        const body = typeof p.patch === "string" ? parse(p.patch) : undefined;
        return body?.$patch === "delete" && body.kind === "Secret" && body.metadata?.name === m.secret;
      });
      assert.ok(deleted, `${s}: ${m.overlay} deletes upstream's ${m.secret}`);
      assert.ok(urns.get(secret.parent!)?.type === "mlops:ml:Kubeflow", `${s}: ${m.secret} belongs to Kubeflow (removed with it)`);
    }
  });

  test(`stack ${s}: no Kubernetes Secret carries an empty or upstream-default database password`, async () => {
    const plan = await cachedPlan(s);
    // A Secret with any secret value is redacted whole; one written in plain text shows its keys.
    const offenders: string[] = [];
    for (const r of ofType(plan, "kubernetes:core/v1:Secret") as PlannedResource[]) {
      for (const field of ["stringData", "data"]) {
        const v = (r.inputs as any)[field];
        if (!v || typeof v !== "object") continue;
        for (const [key, value] of Object.entries(v)) if (/password|passwd/i.test(key) && value !== redacted) offenders.push(`${r.name}.${field}.${key}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
}
