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

/** Runs a call that must fail; returns what the client made of the gateway's error. */
async function failure(call) {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof OpenAI.APIError)) throw e;
    return { status: e.status, class: e.constructor.name, type: e.type, param: e.param ?? null,
      code: e.code ?? null, message: e.message };
  }
  throw new Error('the call succeeded where the gateway should have refused it');
}

// a wrong key: the client must raise its AuthenticationError from the gateway's 401
const wrongKey = await failure(() => new OpenAI({ baseURL, apiKey: apiKey + 'x', maxRetries: 0 })
  .images.generate({ prompt: 'a photo of a bag' }));

// the serving aliases, as OpenAI-compatible servers list their models
const models = [];
for await (const model of client.models.list()) {
  models.push(model);
}
const retrieved = await client.models.retrieve('default');

// an unknown model with the client's default retries: a 404 it must not retry (the test counts what the gateway got)
const unknownModel = await failure(() => new OpenAI({ baseURL, apiKey })
  .images.generate({ model: 'dall-e-3', prompt: 'a photo of a bag' }));

// bad fields: the client's error names the field in err.param and err.message
const badSize = await failure(() => client.images.generate({ prompt: 'a photo of a bag', size: '33x33' }));
const unknownField = await failure(() => client.images.generate({ prompt: 'a photo of a bag', quality: 'hd' }));

console.log(JSON.stringify({ created: result.created, images: result.data.length, wrongKey, models, retrieved,
  unknownModel, badSize, unknownField }));
