// Dashboards as code, loaded by Grafana's sidecar from ConfigMaps labelled grafana_dashboard.
// A few real panels each, on series this stack collects: cAdvisor and kube-state-metrics
// (cluster), Istio's standard metrics (mesh), pipeline pods and the ml-pipeline API's mesh
// traffic and logs (Kubeflow Pipelines), and the LGTM components' own metrics.
import { datasourceUids } from "./names";

type Ds = "metrics" | "logs";
interface Panel {
  title: string;
  expr: string;
  legend?: string;
  unit?: string;
  ds?: Ds;
}

const dsRef = (ds: Ds) => ({ type: ds === "metrics" ? "prometheus" : "loki", uid: datasourceUids[ds] });

function panel(p: Panel, i: number): Record<string, unknown> {
  const ds = p.ds ?? "metrics";
  return {
    id: i + 1,
    type: ds === "logs" ? "logs" : "timeseries",
    title: p.title,
    datasource: dsRef(ds),
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    ...(p.unit ? { fieldConfig: { defaults: { unit: p.unit }, overrides: [] } } : {}),
    targets: [{ refId: "A", datasource: dsRef(ds), expr: p.expr, ...(p.legend ? { legendFormat: p.legend } : {}) }],
  };
}

export interface Dashboard {
  uid: string;
  title: string;
  json: string;
}

function dashboard(uid: string, title: string, panels: Panel[]): Dashboard {
  const json = { uid, title, tags: ["platform"], schemaVersion: 39, time: { from: "now-6h", to: "now" }, refresh: "1m", editable: false, panels: panels.map(panel) };
  return { uid, title, json: JSON.stringify(json) };
}

export const dashboards: Dashboard[] = [
  dashboard("platform-cluster", "Platform / Cluster", [
    { title: "CPU by namespace", expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))', legend: "{{namespace}}", unit: "cores" },
    { title: "Memory (working set) by namespace", expr: 'sum by (namespace) (container_memory_working_set_bytes{container!=""})', legend: "{{namespace}}", unit: "bytes" },
    { title: "Pods not running", expr: 'sum by (namespace, phase) (kube_pod_status_phase{phase=~"Pending|Failed|Unknown"}) > 0', legend: "{{namespace}} {{phase}}" },
    { title: "Container restarts (1h)", expr: "sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h])) > 0", legend: "{{namespace}}" },
    { title: "Nodes ready", expr: 'sum(kube_node_status_condition{condition="Ready", status="true"})', legend: "ready" },
  ]),
  dashboard("platform-istio", "Platform / Istio mesh", [
    { title: "Requests by destination", expr: 'sum by (destination_service_name) (rate(istio_requests_total{reporter="destination"}[5m]))', legend: "{{destination_service_name}}", unit: "reqps" },
    {
      title: "5xx ratio by destination",
      expr: 'sum by (destination_service_name) (rate(istio_requests_total{reporter="destination", response_code=~"5.."}[5m])) / sum by (destination_service_name) (rate(istio_requests_total{reporter="destination"}[5m]))',
      legend: "{{destination_service_name}}",
      unit: "percentunit",
    },
    {
      title: "p95 latency by destination",
      expr: 'histogram_quantile(0.95, sum by (le, destination_service_name) (rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[5m])))',
      legend: "{{destination_service_name}}",
      unit: "ms",
    },
    { title: "Ingress gateway requests by response code", expr: 'sum by (response_code) (rate(istio_requests_total{reporter="source", source_workload="istio-ingressgateway"}[5m]))', legend: "{{response_code}}", unit: "reqps" },
  ]),
  dashboard("platform-kubeflow-pipelines", "Platform / Kubeflow Pipelines", [
    {
      title: "Pipeline pods by phase",
      expr: 'sum by (namespace, phase) (kube_pod_status_phase * on (namespace, pod) group_left () kube_pod_labels{label_workflows_argoproj_io_workflow!=""}) > 0',
      legend: "{{namespace}} {{phase}}",
    },
    { title: "ml-pipeline API requests by code", expr: 'sum by (response_code) (rate(istio_requests_total{reporter="destination", destination_service_name="ml-pipeline"}[5m]))', legend: "{{response_code}}", unit: "reqps" },
    { title: "CPU of pipeline pods by namespace", expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]) * on (namespace, pod) group_left () kube_pod_labels{label_workflows_argoproj_io_workflow!=""})', legend: "{{namespace}}", unit: "cores" },
    { title: "Kubeflow errors", expr: '{namespace="kubeflow"} |~ "(?i)error"', ds: "logs" },
  ]),
  dashboard("platform-lgtm", "Platform / Observability stack", [
    { title: "Targets up (monitoring)", expr: 'sum by (job) (up{namespace="monitoring"})', legend: "{{job}}" },
    { title: "Log bytes received (Loki)", expr: "sum(rate(loki_distributor_bytes_received_total[5m]))", legend: "bytes/s", unit: "Bps" },
    { title: "Samples received (Mimir)", expr: "sum(rate(cortex_distributor_received_samples_total[5m]))", legend: "samples/s" },
    // Pushes refused by the per-tenant limits (platform:observability.limits), by reason.
    { title: "Discarded samples (Mimir) by reason", expr: "sum by (reason) (rate(cortex_discarded_samples_total[5m]))", legend: "{{reason}}" },
    { title: "Discarded log lines (Loki) by reason", expr: "sum by (reason) (rate(loki_discarded_samples_total[5m]))", legend: "{{reason}}" },
    { title: "Spans received (Tempo)", expr: "sum(rate(tempo_distributor_spans_received_total[5m]))", legend: "spans/s" },
    { title: "Memory of the stack by pod", expr: 'sum by (pod) (container_memory_working_set_bytes{namespace="monitoring", container!=""})', legend: "{{pod}}", unit: "bytes" },
  ]),
];
