// Entry of the Pulumi policy pack: `pulumi preview --policy-pack policy` (PulumiPolicy.yaml here).
// The same policies run offline with `npm run policy -- <stack | stack file | plan.json>`.
import { PolicyPack } from "@pulumi/policy";
import { packArgs } from "./pack";
import { policies } from "./policies";

new PolicyPack("mlops-platform", packArgs(policies));
