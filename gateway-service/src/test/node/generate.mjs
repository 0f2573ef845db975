// The official openai client, unchanged, against the LADD gateway: only its base URL and API key are set.
// Usage: node generate.mjs <baseURL, e.g. http://localhost:8080/v1> <api key> <out.png>
// Prints one JSON line; exits non-zero when the gateway's answers are not what OpenAI's clients expect.
import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';

const [baseURL, apiKey, out] = process.argv.slice(2);
if (!baseURL || !apiKey || !out) {
  console.error('usage: node generate.mjs <baseURL> <apiKey> <out.png>');
  process.exit(2);
}

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const result = await client.images.generate({
  model: 'default',
  prompt: 'a photo of an ankle boot',
  n: 1,
  size: '32x32',
  response_format: 'b64_json',
  // the platform's own extras travel through the client untouched
  steps: 4,
  seed: 7,
});
writeFileSync(out, Buffer.from(result.data[0].b64_json, 'base64'));

// a wrong key: the client must raise its AuthenticationError from the gateway's 401 problem
let wrongKeyStatus = null;
try {
  await new OpenAI({ baseURL, apiKey: apiKey + 'x', maxRetries: 0 }).images.generate({ prompt: 'a photo of a bag' });
} catch (e) {
  wrongKeyStatus = e instanceof OpenAI.AuthenticationError ? e.status : `unexpected ${e}`;
}
console.log(JSON.stringify({ created: result.created, images: result.data.length, wrongKeyStatus }));
