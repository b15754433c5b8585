/**
 * A model package's decoder is checked against its manifest: the format's prompt inputs plus the
 * mapped embedding inputs; fewer embeddings than the format's three are fine (the tiny package's
 * decoder reads one per-image tensor), an unmapped or missing one is refused by name.
 */
import { describe, expect, it } from 'vitest'
import { checkPackageDecoder, DECODER_INPUTS } from '../../src/main/core/click/formats'

const PROMPTS = ['point_coords', 'point_labels', 'mask_input', 'has_mask_input']

describe('checkPackageDecoder', () => {
  it('accepts the full SAM2 set and a decoder that reads only the mapped image_embed', () => {
    expect(() => checkPackageDecoder('sam2', DECODER_INPUTS.sam2, ['image_embed', 'high_res_feats_0', 'high_res_feats_1'], 'd')).not.toThrow()
    expect(() => checkPackageDecoder('sam2', ['image_embed', ...PROMPTS], ['image_embed'], 'd')).not.toThrow()
  })
  it('names a mapped embedding or prompt input the graph lacks', () => {
    expect(() => checkPackageDecoder('sam2', ['image_embed', ...PROMPTS], ['image_embed', 'high_res_feats_0'], 'decoder of package "p"'))
      .toThrow(/decoder of package "p" lacks input tensor high_res_feats_0/)
    expect(() => checkPackageDecoder('sam2', ['image_embed', 'point_coords', 'point_labels', 'mask_input'], ['image_embed'], 'd'))
      .toThrow(/lacks input tensor has_mask_input/)
  })
  it('refuses an input that no backbone output feeds', () => {
    expect(() => checkPackageDecoder('sam2', DECODER_INPUTS.sam2, ['image_embed'], 'd'))
      .toThrow(/inputs high_res_feats_0, high_res_feats_1 that no backbone output feeds/)
    expect(() => checkPackageDecoder('sam', [...DECODER_INPUTS.sam, 'extra'], ['image_embeddings'], 'd')).toThrow(/input extra that no backbone output feeds/)
  })
})
