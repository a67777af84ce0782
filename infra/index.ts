// Pulumi entry point (compiled to dist/infra/index.js; see Pulumi.yaml).
import { platform } from "./program";

export = platform;
