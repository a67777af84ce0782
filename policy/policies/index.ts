// Every platform policy, in one plain list (offline runs and the Pulumi policy pack share it).
import type { Policy } from "../types";
import { dataPolicies } from "./data";
import { eksPolicies } from "./eks";
import { gkePolicies } from "./gke";
import { identityPolicies } from "./identity";
import { kubernetesPolicies } from "./kubernetes";
import { platformPolicies } from "./platform";

export const policies: Policy[] = [...gkePolicies, ...eksPolicies, ...kubernetesPolicies, ...dataPolicies, ...identityPolicies, ...platformPolicies];
