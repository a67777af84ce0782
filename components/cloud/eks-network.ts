// The VPC an EKS cluster lives in: public and private subnets in every AZ,
// an internet gateway, and NAT (one gateway, or one per AZ for prod).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { EksSettings } from "../../infra/config/resolve";

export interface EksNetworkArgs {
  settings: EksSettings;
  clusterName: string;
}

/** The index-th subnet of `newPrefix` inside `cidr` (IPv4). */
export function subnetCidr(cidr: string, newPrefix: number, index: number): string {
  const [base, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (newPrefix < prefix || index >= 2 ** (newPrefix - prefix)) {
    throw new Error(`cannot carve subnet #${index} of /${newPrefix} out of ${cidr}`);
  }
  const start = base.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const addr = start + index * 2 ** (32 - newPrefix);
  return `${[24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256).join(".")}/${newPrefix}`;
}

export class EksNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly privateSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: EksNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cloud:EksNetwork", name, {}, opts);
    const { settings: s, clusterName } = args;
    const parent = { parent: this };
    const prefix = Number(s.vpcCidr.split("/")[1]);
    // Private subnets get the bigger half (pods take VPC IPs with the VPC CNI); public ones stay small.
    const privatePrefix = prefix + 3;
    const publicPrefix = prefix + 6;

    const vpc = new aws.ec2.Vpc(
      "vpc",
      { cidrBlock: s.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: clusterName } },
      parent,
    );
    this.vpcId = vpc.id;
    const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id, tags: { Name: clusterName } }, parent);
    const publicRoutes = new aws.ec2.RouteTable(
      "public",
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${clusterName}-public` } },
      parent,
    );

    const publicSubnets = s.availabilityZones.map((az, i) => {
      const subnet = new aws.ec2.Subnet(
        `public-${az}`,
        {
          vpcId: vpc.id,
          availabilityZone: az,
          // Half-way into the range, clear of the private subnets.
          cidrBlock: subnetCidr(s.vpcCidr, publicPrefix, 2 ** (publicPrefix - prefix - 1) + i),
          mapPublicIpOnLaunch: false,
          tags: { Name: `${clusterName}-public-${az}`, "kubernetes.io/role/elb": "1" },
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`public-${az}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const natCount = s.natGateways === "perAz" ? s.availabilityZones.length : 1;
    const nats = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const az = s.availabilityZones[i];
      const eip = new aws.ec2.Eip(`nat-${az}`, { domain: "vpc", tags: { Name: `${clusterName}-nat-${az}` } }, parent);
      return new aws.ec2.NatGateway(`nat-${az}`, { allocationId: eip.id, subnetId: subnet.id, tags: { Name: `${clusterName}-${az}` } }, { ...parent, dependsOn: [igw] });
    });

    const privateSubnets = s.availabilityZones.map((az, i) => {
      const subnet = new aws.ec2.Subnet(
        `private-${az}`,
        {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: subnetCidr(s.vpcCidr, privatePrefix, i),
          tags: { Name: `${clusterName}-private-${az}`, "kubernetes.io/role/internal-elb": "1" },
        },
        parent,
      );
      const routes = new aws.ec2.RouteTable(
        `private-${az}`,
        { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[i % nats.length].id }], tags: { Name: `${clusterName}-private-${az}` } },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`private-${az}`, { subnetId: subnet.id, routeTableId: routes.id }, parent);
      return subnet;
    });

    this.publicSubnetIds = publicSubnets.map((x) => x.id);
    this.privateSubnetIds = privateSubnets.map((x) => x.id);
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
