"""Properties of the reference model the package format relies on.

  cd model && /usr/bin/python3 -m unittest discover -s tests -v
"""
import os
import sys
import unittest

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from sartm import SartmModel, tiny_config  # noqa: E402
from sartm.encoder import LoRAQKV  # noqa: E402
from sartm.losses import seg_loss, text_distill_loss  # noqa: E402
from sartm.text_table import class_text_table  # noqa: E402
from data import MFNET_CLASSES  # noqa: E402

SMALL = dict(input_h=128, input_w=192, embed_dim=32, depth=1, num_heads=2, transformer_dim=32,
             decoder_heads=2, decoder_mlp_dim=64)


class ReferenceModelTest(unittest.TestCase):
    def setUp(self):
        torch.set_num_threads(1)
        torch.manual_seed(0)
        self.cfg = tiny_config(**SMALL)
        self.model = SartmModel(self.cfg, class_text_table(MFNET_CLASSES, self.cfg.text_dim)).eval()
        self.rgb = torch.randn(1, 3, 128, 192)
        self.th = torch.rand(1, 1, 128, 192).expand(-1, 3, -1, -1)

    def test_shapes_logits_and_features_share_resolution(self):
        with torch.no_grad():
            logits, feats = self.model(self.rgb, self.th)
        self.assertEqual(list(logits.shape), [1, 9, 32, 48])
        self.assertEqual(list(feats.shape), [1, 2 * 32 // 8, 32, 48])

    def test_logits_are_linear_in_features(self):
        """For a fixed image, logits = W·features with one (C x D) matrix: what the adapter assumes."""
        with torch.no_grad():
            logits, feats = self.model(self.rgb, self.th)
        X = feats[0].flatten(1).t().double()  # [hw, D]
        Y = logits[0].flatten(1).t().double()  # [hw, C]
        W = torch.linalg.lstsq(X, Y).solution
        self.assertLess(float((X @ W - Y).abs().max()), 1e-4)
        self.assertGreater(float(Y.std()), 1e-3)

    def test_zero_lora_b_is_the_plain_qkv(self):
        lin = torch.nn.Linear(16, 48)
        lora = LoRAQKV(lin, rank=4)
        x = torch.randn(2, 5, 16)
        self.assertTrue(torch.equal(lora(x), lin(x)))
        torch.nn.init.normal_(lora.linear_b_q.weight)
        out = lora(x)
        self.assertFalse(torch.allclose(out[..., :16], lin(x)[..., :16]))
        self.assertTrue(torch.equal(out[..., 16:32], lin(x)[..., 16:32]))  # k untouched

    def test_composed_high_res_convs_equal_neck_then_conv_s(self):
        sam = self.model.sam
        with torch.no_grad():
            xs = sam.image_encoder.trunk(self.rgb)
            fpn = sam.forward_image(self.rgb)["backbone_fpn"]
            ref0 = sam.sam_mask_decoder.conv_s0(sam.image_encoder.neck.convs[0](xs[0]))
            ref1 = sam.sam_mask_decoder.conv_s1(sam.image_encoder.neck.convs[1](xs[1]))
        self.assertLess(float((fpn[0] - ref0).abs().max()), 1e-5)
        self.assertLess(float((fpn[1] - ref1).abs().max()), 1e-5)

    def test_semantic_head_equals_sam2_heads_averaged(self):
        """semantic_head == SARTM's path: _forward_sam_heads per modality, multimask, mean."""
        sam = self.model.sam
        with torch.no_grad():
            logits, _ = self.model(self.rgb, self.th)
            enc = sam.forward_image(torch.cat([self.rgb, self.th]))
            low = sam._forward_sam_heads(enc["vision_features"], high_res_features=enc["backbone_fpn"][:2],
                                         multimask_output=True)[0]
        self.assertLess(float((logits - low.mean(0, keepdim=True)).abs().max()), 1e-5)

    def test_training_losses_backpropagate_to_all_heads(self):
        self.model.train()
        y = torch.randint(0, 9, (2, 64, 96))
        logits, _, aux, top = self.model.forward_train(self.rgb.repeat(2, 1, 1, 1), self.th.repeat(2, 1, 1, 1))
        loss = seg_loss(logits, y, torch.ones(9)) + 0.4 * seg_loss(aux, y, torch.ones(9)) + \
            0.1 * text_distill_loss(top, y, self.model.text_table)
        loss.backward()
        for name in ["sam.sam_mask_decoder.mask_tokens.weight", "linear_pred.weight", "fuse.2.weight",
                     "sam.image_encoder.trunk.blocks.0.attn.qkv.linear_a_q.weight"]:
            g = dict(self.model.named_parameters())[name].grad
            self.assertIsNotNone(g, name)
        self.assertGreater(float(dict(self.model.named_parameters())["fuse.2.weight"].grad.abs().sum()), 0)

    def test_text_table_is_fixed_and_semantic(self):
        a = class_text_table(MFNET_CLASSES, 32)
        b = class_text_table(MFNET_CLASSES, 32)
        self.assertTrue((a == b).all())
        t = torch.from_numpy(a)
        sim = F.normalize(t, dim=-1) @ F.normalize(t, dim=-1).t()
        i = {n: k for k, n in enumerate(MFNET_CLASSES)}
        self.assertGreater(float(sim[i["car"], i["bike"]]), float(sim[i["car"], i["curve"]]))


if __name__ == "__main__":
    unittest.main()
