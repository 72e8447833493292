/**
 * Setup file of jest's "epoxy" project (jest.config.js): point the test-bed helpers at the Epoxy bed
 * (testbed/up --release epoxy) before any test file loads them.
 */
import * as os from "node:os";
import * as path from "node:path";

process.env.LABCDK_TESTBED_DIR = process.env.LABCDK_TESTBED_EPOXY_DIR ?? path.join(os.homedir(), ".cache", "labcdk", "testbed-epoxy");
