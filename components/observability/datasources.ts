// Grafana's datasources as code, with fixed uids so the links between signals resolve:
// metrics -> traces (exemplars from Tempo's metrics generator carry traceID), logs -> traces (a derived field on trace ids
// in log lines), traces -> logs and traces -> metrics (Tempo's span links, service map).
// Grafana expands $VAR and ${VAR} in provisioning files from its environment, so a literal
// ${__value.raw} is written $${__value.raw}.
import { datasourceUids, exemplarTraceIdLabel, lokiGateway, mimirGateway, tempoService } from "./names";

export function datasources(): Record<string, unknown>[] {
  return [
    {
      name: "Mimir",
      type: "prometheus",
      uid: datasourceUids.metrics,
      access: "proxy",
      url: `http://${mimirGateway.host}/prometheus`,
      isDefault: true,
      editable: false,
      jsonData: {
        httpMethod: "POST",
        prometheusType: "Mimir",
        exemplarTraceIdDestinations: [{ name: exemplarTraceIdLabel, datasourceUid: datasourceUids.traces, urlDisplayLabel: "View trace" }],
      },
    },
    {
      name: "Loki",
      type: "loki",
      uid: datasourceUids.logs,
      access: "proxy",
      url: `http://${lokiGateway.host}`,
      editable: false,
      jsonData: {
        maxLines: 1000,
        derivedFields: [
          {
            name: "TraceID",
            matcherType: "regex",
            matcherRegex: "(?:trace_?id|traceID)[\"=:\\s]+\"?([0-9a-fA-F]{16,32})",
            url: "$${__value.raw}",
            datasourceUid: datasourceUids.traces,
            urlDisplayLabel: "View trace",
          },
        ],
      },
    },
    {
      name: "Tempo",
      type: "tempo",
      uid: datasourceUids.traces,
      access: "proxy",
      url: `http://${tempoService.host}:${tempoService.httpPort}`,
      editable: false,
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: datasourceUids.logs,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          filterByTraceID: true,
          tags: [
            { key: "k8s.namespace.name", value: "namespace" },
            { key: "k8s.pod.name", value: "pod" },
          ],
        },
        tracesToMetrics: {
          datasourceUid: datasourceUids.metrics,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          tags: [{ key: "service.name", value: "service" }],
          queries: [{ name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))" }],
        },
        serviceMap: { datasourceUid: datasourceUids.metrics },
        nodeGraph: { enabled: true },
        lokiSearch: { datasourceUid: datasourceUids.logs },
      },
    },
  ];
}
