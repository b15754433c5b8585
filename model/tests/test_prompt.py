"""The tiny prompt decoder's export split and auxiliary losses.

  cd model && /usr/bin/python3 -m unittest discover -s tests -v
"""
import os
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from sartm import tiny_config  # noqa: E402
from sartm.prompt import EMBED_C, IMAGE_C, PromptClickDecoder, PromptDecoder, PromptEmbedder, prompt_image  # noqa: E402
from train_prompt import centre_loss, discriminative_loss  # noqa: E402

SMALL = dict(input_h=64, input_w=96, embed_dim=32, depth=1, num_heads=2, transformer_dim=32,
             decoder_heads=2, decoder_mlp_dim=64)


def small_decoder(centres):
    """A random small decoder, backbone tensors (rgb, thermal, stride4, features, stride8) and one
    click's prompt inputs (coords, labels, mask_input, has_mask_input)."""
    torch.manual_seed(0)
    cfg = tiny_config(**SMALL)
    pd = PromptDecoder(cfg, centres=centres).eval()
    d, h, w = cfg.transformer_dim, cfg.input_h // 4, cfg.input_w // 4
    rgb, th = torch.randn(1, 3, cfg.input_h, cfg.input_w), torch.rand(1, 3, cfg.input_h, cfg.input_w)
    s4, feats, s8 = torch.randn(1, 2 * (d // 8), h, w), torch.randn(1, 2 * (d // 8), h, w), torch.randn(1, 2 * (d // 4), h // 2, w // 2)
    prompt = (torch.tensor([[[40.0, 30.0], [0.0, 0.0]]]), torch.tensor([[1.0, -1.0]]), torch.zeros(1, 1, h, w), torch.zeros(1))
    return cfg, pd, (rgb, th, s4, feats, s8), prompt


class PromptDecoderSplitTest(unittest.TestCase):
    def check_split(self, centres):
        cfg, pd, (rgb, th, s4, feats, s8), (coords, labels, mask_in, has) = small_decoder(centres)
        with torch.no_grad():
            ref_masks, ref_iou, *_ = pd.run(prompt_image(s4, rgb, th), feats, s8, coords, labels, mask_in, has)
            emb = PromptEmbedder(pd)(rgb, th, s4, feats, s8)
            masks, iou = PromptClickDecoder(pd)(emb, coords, labels, mask_in, has)
        self.assertEqual(emb.shape[1], EMBED_C + cfg.num_classes + (2 if centres else 0))
        self.assertEqual(prompt_image(s4, rgb, th).shape[1], s4.shape[1] + IMAGE_C)
        torch.testing.assert_close(masks, ref_masks, atol=1e-5, rtol=0)
        torch.testing.assert_close(iou, ref_iou, atol=1e-6, rtol=0)

    def test_embedder_plus_click_decoder_equal_the_whole_decoder(self):
        self.check_split(centres=False)

    def test_the_same_with_centre_votes(self):
        self.check_split(centres=True)

    def test_centre_votes_reach_the_click_affinity(self):
        # session 4 shipped a decoder whose box-centre map overwrote the votes inside `click`, so
        # the votes were trained but never used; moving the votes must change the masks
        _, pd, backbone, prompt = small_decoder(centres=True)
        with torch.no_grad():
            emb = PromptEmbedder(pd)(*backbone)
            emb[:, -2:] = pd.cell_xy  # every cell votes for itself: far cells disagree with the click
            apart, _ = PromptClickDecoder(pd)(emb, *prompt)
            emb[:, -2:] = 10.0  # every cell votes for one centre: all agree
            together, _ = PromptClickDecoder(pd)(emb, *prompt)
        self.assertGreater((together - apart).abs().max().item(), 0.1)


class AuxiliaryLossTest(unittest.TestCase):
    def test_discriminative_loss_is_zero_for_separated_objects_and_positive_for_mixed_ones(self):
        inst = torch.zeros(1, 4, 4, dtype=torch.int64)
        inst[0, :, :2], inst[0, :, 2:] = 1, 2
        e = torch.zeros(1, 4, 4, 4)
        e[0, 0, :, :2], e[0, 1, :, 2:] = 1.0, 1.0  # orthogonal unit vectors per object
        self.assertAlmostEqual(discriminative_loss(e, inst).item(), 0.0, places=6)
        same = torch.zeros(1, 4, 4, 4)
        same[0, 0] = 1.0  # both objects embedded alike: the push term fires
        self.assertGreater(discriminative_loss(same, inst).item(), 0.5)

    def test_centre_loss_is_zero_at_the_centroids(self):
        inst = torch.zeros(1, 4, 6, dtype=torch.int64)
        inst[0, 1:3, 1:5] = 3
        ys, xs = np.nonzero(inst[0].numpy())
        centre = torch.zeros(1, 2, 4, 6)
        centre[0, 0], centre[0, 1] = float(xs.mean() + 0.5), float(ys.mean() + 0.5)
        self.assertAlmostEqual(centre_loss(centre, inst).item(), 0.0, places=6)
        self.assertAlmostEqual(centre_loss(centre + 16.0, inst).item(), 1.0, places=5)


if __name__ == "__main__":
    unittest.main()
