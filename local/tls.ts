// The loopback TLS certificate. The handlers accept only https endpoints for OpenSearch and
// SQS (as on AWS), so local mode serves those two over TLS with a self-signed certificate for
// 127.0.0.1, kept under .local/ and handed to the functions through NODE_EXTRA_CA_CERTS.
import * as fs from "node:fs";
import * as path from "node:path";

export interface LocalCertificate {
  key: string;
  cert: string;
  /** The certificate's file: the trust anchor the functions are started with. */
  certFile: string;
}

export async function localCertificate(dir: string): Promise<LocalCertificate> {
  const keyFile = path.join(dir, "loopback.key");
  const certFile = path.join(dir, "loopback.crt");
  if (!fs.existsSync(keyFile) || !fs.existsSync(certFile)) {
    // biome-ignore lint/style/noCommonJs: loaded only when no certificate is cached yet
    const selfsigned = require("selfsigned");
    const notAfterDate = new Date();
    notAfterDate.setFullYear(notAfterDate.getFullYear() + 5);
    const pems = await selfsigned.generate([{ name: "commonName", value: "ecommerce local mode" }], {
      keySize: 2048,
      algorithm: "sha256",
      notAfterDate,
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
          ],
        },
      ],
    });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
    fs.writeFileSync(certFile, pems.cert);
  }
  return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), certFile };
}
