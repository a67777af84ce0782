// The platform's front door: a wildcard certificate for *.<domain> in the gateway's
// namespace and an HTTPS Gateway on it, with HTTP redirected to HTTPS.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { certificate } from "../crds/cert-manager";
import { gateway } from "../crds/istio";
import { ingressGatewaySelector, istioNamespace } from "./istio";

export interface PlatformGatewayArgs {
  domain: string;
  issuerName: string;
  issuer: pulumi.Resource;
  istioNamespace: pulumi.Resource;
  istioControlPlane: pulumi.Resource;
}

export const gatewayRef = `${istioNamespace}/platform-gateway`;
export const tlsSecretName = "platform-tls";

export class PlatformGateway extends pulumi.ComponentResource {
  public readonly gateway: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PlatformGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:edge:PlatformGateway", name, {}, opts);
    const hosts = [args.domain, `*.${args.domain}`];
    certificate(
      { name: tlsSecretName, namespace: istioNamespace },
      {
        secretName: tlsSecretName,
        dnsNames: hosts,
        issuerRef: { name: args.issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        renewBefore: "720h",
      },
      { parent: this, dependsOn: [args.issuer, args.istioNamespace] },
    );
    this.gateway = gateway(
      { name: "platform-gateway", namespace: istioNamespace },
      {
        selector: ingressGatewaySelector,
        servers: [
          { port: { number: 80, name: "http", protocol: "HTTP" }, hosts, tls: { httpsRedirect: true } },
          { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", credentialName: tlsSecretName } },
        ],
      },
      { parent: this, dependsOn: [args.istioControlPlane] },
    );
    this.registerOutputs({});
  }
}
