import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// The image tags scripts/images/build.sh wrote (content hashes of each image's inputs): the
// containers option runs these, never an image from a registry.

export interface LocalImages {
  postgres: string;
  redis: string;
  nats: string;
  minio: string;
  stripeMock: string;
  minioAudit: string;
}

type Env = Record<string, string | undefined>;

export function imagesEnvFile(env: Env = process.env): string {
  return (
    env.GATEHOUSE_IMAGES_ENV || join(env.HOME || homedir(), '.cache', 'gatehouse', 'images', 'images.env')
  );
}

/** `export NAME=value` lines of the images env file. */
export function parseImagesEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export (GATEHOUSE_IMAGE_[A-Z0-9_]+)=(\S+)$/.exec(line);
    if (match) vars[match[1]!] = match[2]!;
  }
  return vars;
}

const wanted: Record<keyof LocalImages, string> = {
  postgres: 'GATEHOUSE_IMAGE_POSTGRES',
  redis: 'GATEHOUSE_IMAGE_REDIS',
  nats: 'GATEHOUSE_IMAGE_NATS',
  minio: 'GATEHOUSE_IMAGE_MINIO',
  stripeMock: 'GATEHOUSE_IMAGE_STRIPE_MOCK',
  minioAudit: 'GATEHOUSE_IMAGE_MINIO_AUDIT',
};

/** The tags of the backing parts' images; throws one line naming what is missing and the fix. */
export function localImages(env: Env = process.env): LocalImages {
  const file = imagesEnvFile(env);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // Reported below with the fix.
  }
  const vars = parseImagesEnv(text);
  const missing = Object.values(wanted).filter((name) => !vars[name]);
  if (missing.length > 0) {
    throw new Error(
      `no local image for ${missing.join(', ')} in ${file}; build them: bash scripts/images/build.sh`,
    );
  }
  return Object.fromEntries(
    Object.entries(wanted).map(([key, name]) => [key, vars[name]!]),
  ) as unknown as LocalImages;
}
