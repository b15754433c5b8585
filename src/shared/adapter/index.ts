// The adapter module: stored format, training gradient and apply-to-logits (docs/inference.md "Adapters").
export * from './format'
export * from './apply'
export * from './grad'
