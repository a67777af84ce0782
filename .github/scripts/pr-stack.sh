#!/usr/bin/env bash
# Per-PR clusters: create or destroy the stack pr-<n> from the ephemeral template. Used by
# pr-cluster.yml and pr-cluster-sweeper.yml, and by hand (README, "Delivery").
#   .github/scripts/pr-stack.sh up <n>        copy the template, set secrets from the environment, pulumi up
#   .github/scripts/pr-stack.sh destroy <n>   pre-destroy cleanup, pulumi destroy, pulumi stack rm
#   .github/scripts/pr-stack.sh expired <ttl-hours>   print the pr-* stacks created more than ttl hours ago
# Needs: pulumi logged in to the backend, cloud credentials, and for `up` the secrets in
# PR_GITHUB_CLIENT_SECRET (the Dex GitHub connector's client secret; never copied from a stack file).
set -euo pipefail
cmd=${1:?usage: pr-stack.sh up|destroy <n> | expired <ttl-hours>}
created_tag="mlops:created-at"

stack_file() { echo "stacks/Pulumi.pr-$1.yaml"; }

case "$cmd" in
  up)
    n=${2:?PR number}; [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a PR number: $n" >&2; exit 2; }
    stack="pr-$n"; file=$(stack_file "$n")
    # The template with this PR's domain; its secure values are placeholders, so drop them: the
    # secrets are set below from CI secrets (never copied between stacks).
    node -e '
      const fs = require("fs"); const { parseDocument } = require("yaml");
      const doc = parseDocument(fs.readFileSync("stacks/Pulumi.ephemeral.yaml", "utf8"));
      doc.setIn(["config", "platform:dns", "domain"], `pr-${process.argv[1]}.${doc.getIn(["config", "platform:dns", "zone", "dnsName"])}`);
      const connectors = doc.getIn(["config", "platform:identity", "connectors"]);
      for (const c of connectors?.items ?? []) c.delete("clientSecret");
      fs.writeFileSync(process.argv[2], doc.toString());
    ' "$n" "$file"
    pulumi stack select --create "$stack"
    pulumi config set --secret --path 'platform:identity.connectors[0].clientSecret' "${PR_GITHUB_CLIENT_SECRET:?set PR_GITHUB_CLIENT_SECRET}" --stack "$stack"
    # Creation time, read back by the sweeper (stack tags work on Pulumi Cloud and self-managed backends).
    if [ -z "$(pulumi stack tag get "$created_tag" --stack "$stack" 2>/dev/null || true)" ]; then
      pulumi stack tag set "$created_tag" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --stack "$stack"
    fi
    npm run --silent policy -- "$file"
    pulumi up --stack "$stack" --yes --diff --policy-pack policy --non-interactive
    ;;
  destroy)
    n=${2:?PR number}; [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a PR number: $n" >&2; exit 2; }
    stack="pr-$n"
    if ! pulumi stack select "$stack" 2>/dev/null; then echo "no stack $stack: nothing to destroy"; exit 0; fi
    # Pulumi loads the stack's config from the stack file: rebuild it from the template if this checkout lacks it.
    [ -f "$(stack_file "$n")" ] || cp stacks/Pulumi.ephemeral.yaml "$(stack_file "$n")"
    kubeconfig=$(mktemp)
    if pulumi stack output kubeconfig --show-secrets --stack "$stack" > "$kubeconfig" 2>/dev/null && [ -s "$kubeconfig" ]; then
      KUBECONFIG="$kubeconfig" .github/scripts/pre-destroy-cleanup.sh "$stack"
    else
      echo "no kubeconfig output (the cluster was never created): skipping the in-cluster cleanup"
    fi
    pulumi destroy --stack "$stack" --yes --non-interactive
    pulumi stack rm "$stack" --yes
    rm -f "$kubeconfig" "$(stack_file "$n")"
    ;;
  expired)
    ttl=${2:?TTL in hours}
    now=$(date -u +%s)
    pulumi stack ls --json | node -e 'for (const s of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(s.name.split("/").pop())' |
      grep -E '^pr-[0-9]+$' | while read -r stack; do
        created=$(pulumi stack tag get "$created_tag" --stack "$stack" 2>/dev/null || true)
        if [ -z "$created" ]; then echo "$stack has no $created_tag tag: treated as expired" >&2; echo "${stack#pr-}"; continue; fi
        age_h=$(( (now - $(date -u -d "$created" +%s)) / 3600 ))
        if [ "$age_h" -ge "$ttl" ]; then echo "${stack#pr-}"; fi
      done
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
