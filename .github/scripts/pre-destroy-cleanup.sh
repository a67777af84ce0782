#!/usr/bin/env bash
# Before `pulumi destroy` of a cluster stack: remove what Pulumi does not own and would otherwise leak
# or block the destroy. Helm charts create LoadBalancer Services (cloud load balancers and their
# addresses) and PersistentVolumeClaims (cloud disks, kept by a Retain reclaim policy); external-dns
# creates DNS records for them. Deleting the Services and PVCs while the cluster and its controllers
# still run lets the cloud controllers release load balancers and disks and external-dns (policy
# sync) delete its records.
#   KUBECONFIG=... .github/scripts/pre-destroy-cleanup.sh <stack>
set -euo pipefail
stack=${1:?usage: pre-destroy-cleanup.sh <stack>}
timeout=${CLEANUP_TIMEOUT:-600s}

echo "== LoadBalancer Services in $stack"
kubectl get svc -A -o jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace}{" "}{.metadata.name}{"\n"}{end}' |
  while read -r ns name; do
    [ -n "$ns" ] || continue
    kubectl -n "$ns" delete svc "$name" --wait=true --timeout="$timeout"
  done

echo "== PersistentVolumeClaims (their disks) in $stack"
kubectl delete pvc --all -A --wait=true --timeout="$timeout"
# Wait until every PersistentVolume is gone (the CSI driver deleted the disk), except Retain ones,
# which are deleted here with their disks: this is a throwaway cluster.
for pv in $(kubectl get pv -o jsonpath='{.items[*].metadata.name}'); do
  policy=$(kubectl get pv "$pv" -o jsonpath='{.spec.persistentVolumeReclaimPolicy}' 2>/dev/null || true)
  if [ "$policy" = "Retain" ]; then
    kubectl patch pv "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}'
  fi
done
kubectl wait --for=delete pv --all --timeout="$timeout" || true

echo "== DNS records: give external-dns one sync to delete the records of the deleted Services"
sleep "${DNS_SYNC_WAIT:-60}"
lbs=$(kubectl get svc -A -o jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.name}{"\n"}{end}' | grep -c . || true)
echo "done: remaining LoadBalancer Services: $lbs, PersistentVolumes: $(kubectl get pv -o name | grep -c . || true)"
