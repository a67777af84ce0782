#!/usr/bin/env bash
# Prints the cloud of a stack (gke | eks | existing) from stacks/Pulumi.<stack>.yaml.
#   .github/scripts/stack-cloud.sh <stack>
set -euo pipefail
node -e '
const { parse } = require("yaml");
const doc = parse(require("fs").readFileSync(`stacks/Pulumi.${process.argv[1]}.yaml`, "utf8"));
process.stdout.write(String(doc?.config?.["platform:cloud"]?.kind ?? "existing"));
' "$1"
