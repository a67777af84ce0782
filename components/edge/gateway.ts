// The platform's front door: an HTTPS Gateway for <domain> and *.<domain> with HTTP redirected to
// HTTPS, and its certificate (in the gateway's namespace) for exactly the platform's own hosts.
// Not a wildcard: another Gateway on the same pods (Kubeflow's) serves hosts of its own with its
// own certificate, and a browser reuses an HTTP/2 connection for every host the first connection's
// certificate covers, so a wildcard would send kubeflow.<domain> requests to this gateway's routes.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { certificate } from "../crds/cert-manager";
import { gateway } from "../crds/istio";
import { gatewayNamespace, ingressGatewaySelector } from "./istio";

export interface PlatformGatewayArgs {
  domain: string;
  /** The hosts under <domain> the platform serves on this gateway (dex, auth, mlflow, ...). */
  certificateHosts: string[];
  issuerName: string;
  issuer: pulumi.Resource;
  /** The ingress gateway's namespace: its certificate must be there (credentialName is resolved in it). */
  gatewayNamespace: pulumi.Resource;
  /** The Gateway waits for these: istiod and, where DNS is published, external-dns (see UiRoutes.dependsOn). */
  routeDependencies: pulumi.Resource[];
}

export const gatewayRef = `${gatewayNamespace}/platform-gateway`;
export const tlsSecretName = "platform-tls";

/**
 * A TLS certificate for hosts served by the ingress gateway: its Secret sits in the gateway's
 * namespace, where Istio resolves a Gateway's credentialName.
 */
export function gatewayCertificate(secretName: string, dnsNames: string[], issuerName: string, opts: pulumi.CustomResourceOptions) {
  return certificate(
    { name: secretName, namespace: gatewayNamespace },
    {
      secretName,
      dnsNames,
      issuerRef: { name: issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      renewBefore: "720h",
    },
    opts,
  );
}

export class PlatformGateway extends pulumi.ComponentResource {
  public readonly gateway: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PlatformGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:edge:PlatformGateway", name, {}, opts);
    const hosts = [args.domain, `*.${args.domain}`];
    gatewayCertificate(tlsSecretName, [args.domain, ...args.certificateHosts], args.issuerName, { parent: this, dependsOn: [args.issuer, args.gatewayNamespace] });
    this.gateway = gateway(
      { name: "platform-gateway", namespace: gatewayNamespace },
      {
        selector: ingressGatewaySelector,
        servers: [
          { port: { number: 80, name: "http", protocol: "HTTP" }, hosts, tls: { httpsRedirect: true } },
          { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", credentialName: tlsSecretName } },
        ],
      },
      { parent: this, dependsOn: [...args.routeDependencies, args.gatewayNamespace] },
    );
    this.registerOutputs({});
  }
}
