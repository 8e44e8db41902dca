// The SEA asset that lists the embedded files and their content hash (shared by the build and the prelude).
export const SEA_MANIFEST_ASSET = 'cc-bedrock-sea-manifest.json';
