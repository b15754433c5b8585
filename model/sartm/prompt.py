"""Click/box prompt decoder of the tiny package, with SAM2's ONNX input names (samexporter):
image_embed, point_coords [1,N,2] (model-input frame, pixel centres at integers), point_labels
[1,N] (1 positive, 0 negative, 2/3 box corners, -1 padding), mask_input [1,1,h,w] (a previous
low-res mask logit), has_mask_input [1] -> masks [1,3,h,w] (low-res logits, > 0 is inside),
iou_predictions [1,3].

Why not SAM2's two-way transformer: trained from the frozen tiny backbone in ten CPU minutes it
reached IoU >= 0.7 on only 14% of held-out clicks. This decoder has two parts:
- per image (`embed`, exported into the backbone graph as `prompt_embed`, so it is cached with the
  embedding): a unit instance embedding from the semantic features, the stride-4/8 encoder levels
  and the 4x4 colour means of the inputs (3x3 dilated convs, trained with a discriminative loss on
  the scenes' instance maps so touching objects differ), class probabilities and (centres variant)
  each cell's vote for its object's centre;
- per prompt (`click`): a click-conditioned affinity (class agreement + embedding cosine + agreement
  with the clicked cells' centre vote, negative clicks, box), the mask grown from the clicked cells
  through high-affinity cells (a fuzzy connected component: repeated 3x3 max-pool clipped by the
  affinity, which is what separates two cars of one class), refined by a small CNN into three
  masks, which a head scores against each other.
Every step is a plain ONNX op, so both parts export and run in ORT.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import SartmConfig

GROW_STEPS = 40  # half-res cells a mask can grow from the click (that grid is 48x64 at 512x384)
N_MASKS = 3
N_STATS = 12  # per-mask statistics the score head compares
EMBED_C = 16  # width of the learned click-affinity embedding


def encoder_levels(enc, b):
    """RGB|thermal channel concatenation of the encoder levels, as the backbone graph exports them
    (export_package.py): (image_embed = token level, high_res_feats_0 = stride 4, hr_feats_1 = stride 8)."""
    fpn = enc["backbone_fpn"]
    cat = lambda x: torch.cat([x[:b], x[b:]], dim=1)  # noqa: E731
    return cat(fpn[2]), cat(fpn[0]), cat(fpn[1])


IMAGE_C = 4  # colour detail: the stride-4 cell means of the normalised RGB (3) and thermal (1) inputs


def prompt_image(stride4, rgb, thermal):
    """The backbone output the decoder reads as image_embed: the stride-4 encoder level plus the
    4x4 cell means of the model inputs. The frozen encoder was trained for classes, so a white and
    a black car look alike in its features; their boundary is in the colour."""
    return torch.cat([stride4, F.avg_pool2d(rgb, 4), F.avg_pool2d(thermal[:, :1], 4)], 1)


def backbone_embeddings(enc, features, b, rgb, thermal):
    """The inputs of PromptDecoder.embed/run from the backbone: (prompt_image: stride-4 level RGB|T +
    colour, the semantic features, stride-8 level RGB|T).
    rgb/thermal: the normalised inputs of the first b images (the backbone's batch is RGB then T)."""
    _, s4, s8 = encoder_levels(enc, b)
    return prompt_image(s4, rgb, thermal), features, s8


CENTRE_SCALE = 16.0  # cells per unit of the centre head's offset output


class PromptDecoder(nn.Module):
    def __init__(self, cfg: SartmConfig, centres: bool = False):
        super().__init__()
        self.centres = centres
        d = cfg.transformer_dim
        self.out_h, self.out_w = cfg.input_h // 4, cfg.input_w // 4
        self.stride = 4.0  # input pixels per mask cell (the features are at stride 4)
        feat_c = 2 * (d // 8)
        self.proj_s1 = nn.Conv2d(2 * (d // 4), 16, 1)
        # instance embedding: 3x3 context over the stride-4 level, its colour and the semantic
        # features, trained to tell apart touching objects (a discriminative loss on instance maps)
        self.embed_hidden = nn.Sequential(
            nn.Conv2d(2 * (d // 8) + IMAGE_C + feat_c + 16, 32, 1), nn.GELU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.GELU(),
            nn.Conv2d(32, 32, 3, padding=2, dilation=2), nn.GELU(),
            nn.Conv2d(32, 32, 3, padding=4, dilation=4), nn.GELU())
        self.embed_out = nn.Conv2d(32, EMBED_C, 1)
        # per-pixel class scores (trained with the scenes' labels as an auxiliary loss): clicking
        # a car's window must select the whole car, whose parts look unlike the window
        self.class_head = nn.Conv2d(32, cfg.num_classes, 1)
        if centres:
            # each cell votes for its object's centre (offset in cells, trained on the instance maps):
            # two touching cars that look alike vote for two different centres
            self.centre_head = nn.Sequential(
                nn.Conv2d(32, 32, 3, padding=8, dilation=8), nn.GELU(),
                nn.Conv2d(32, 32, 3, padding=16, dilation=16), nn.GELU(), nn.Conv2d(32, 2, 1))
            self.aff_c = nn.Parameter(torch.tensor(6.0))  # weight of "votes for the clicked centre"
            self.centre_sigma = nn.Parameter(torch.tensor(6.0))  # cells
            cy = torch.arange(self.out_h, dtype=torch.float32) + 0.5
            cx = torch.arange(self.out_w, dtype=torch.float32) + 0.5
            self.register_buffer("cell_xy", torch.stack([cx.reshape(1, -1).expand(self.out_h, -1),
                                                         cy.reshape(-1, 1).expand(-1, self.out_w)])[None], persistent=False)
        self.aff_w = nn.Parameter(torch.tensor([6.0, 4.0]))  # class agreement, embedding cosine
        self.aff_b = nn.Parameter(torch.tensor(-5.0))
        self.alpha = nn.Parameter(torch.tensor(8.0))  # sharpness of the negative-click term
        self.refine = nn.Sequential(
            nn.Conv2d(9 + EMBED_C, 16, 3, padding=1), nn.GELU(),
            nn.Conv2d(16, 16, 3, padding=2, dilation=2), nn.GELU(),
            nn.Conv2d(16, N_MASKS, 1))
        self.mask_gain = nn.Parameter(torch.full((N_MASKS,), 6.0))
        # scores the masks together from their statistics (a head per mask could not compare them:
        # it picked the first mask for most clicks although the third was better)
        self.score_head = nn.Sequential(nn.Linear(N_MASKS * N_STATS, 32), nn.GELU(), nn.Linear(32, N_MASKS))
        ys = (torch.arange(self.out_h, dtype=torch.float32) + 0.5) * self.stride - 0.5
        xs = (torch.arange(self.out_w, dtype=torch.float32) + 0.5) * self.stride - 0.5
        self.register_buffer("grid_y", ys.reshape(1, 1, -1, 1), persistent=False)
        self.register_buffer("grid_x", xs.reshape(1, 1, 1, -1), persistent=False)

    def _point_maps(self, point_coords, point_labels):
        """Per point Gaussian [B,N,H,W] (sigma 1.5 cells) and label indicators [B,N,1,1]."""
        px = point_coords[..., 0][..., None, None]
        py = point_coords[..., 1][..., None, None]
        s = 1.5 * self.stride
        g = torch.exp(-((self.grid_x - px) ** 2 + (self.grid_y - py) ** 2) / (2 * s * s))
        lab = point_labels[..., None, None]
        return g, px, py, lab

    def _box(self, px, py, lab):
        """Soft box indicator [B,1,H,W] from corner points (labels 2, 3) and whether there is one."""
        tl = (lab == 2).float()
        br = (lab == 3).float()
        has = tl.sum(1, keepdim=True).clamp(max=1.0)
        x0, y0 = (px * tl).sum(1, keepdim=True), (py * tl).sum(1, keepdim=True)
        x1, y1 = (px * br).sum(1, keepdim=True), (py * br).sum(1, keepdim=True)
        s = self.stride
        inside = (torch.sigmoid((self.grid_x - x0) / s) * torch.sigmoid((x1 - self.grid_x) / s)
                  * torch.sigmoid((self.grid_y - y0) / s) * torch.sigmoid((y1 - self.grid_y) / s))
        centre = torch.exp(-((self.grid_x - 0.5 * (x0 + x1)) ** 2 + (self.grid_y - 0.5 * (y0 + y1)) ** 2)
                           / (2 * (1.5 * s) ** 2))
        return inside, centre, has

    def embed(self, image, features, stride8):
        """The per-image part (no prompt in it), from (prompt_image, the semantic features, the stride-8
        level): unit instance embedding [B,EMBED_C,h,w], class logits [B,classes,h,w] and each cell's
        voted centre [B,2,h,w] in cells (None without centre votes). Exported into the backbone graph
        (PromptEmbedder), so the embedding cache holds it and a click runs only the rest."""
        size = (self.out_h, self.out_w)
        up = lambda x: F.interpolate(x, size=size, mode="bilinear", align_corners=False)  # noqa: E731
        hidden = self.embed_hidden(torch.cat([features, up(self.proj_s1(stride8)), image], 1))
        e = self.embed_out(hidden)
        e = e / (e.norm(dim=1, keepdim=True) + 1e-6)
        centre = self.cell_xy + CENTRE_SCALE * self.centre_head(hidden) if self.centres else None
        return e, self.class_head(hidden), centre

    def run(self, image, features, stride8, point_coords, point_labels, mask_input, has_mask_input):
        """Masks and IoU predictions, plus the class logits, the unit instance embedding and the
        centre votes for the auxiliary losses."""
        e, class_logits, centre = self.embed(image, features, stride8)
        masks, iou = self.click(e, torch.softmax(class_logits, 1), centre, point_coords, point_labels,
                                mask_input, has_mask_input)
        return masks, iou, class_logits, e, centre

    def click(self, e, probs, centre, point_coords, point_labels, mask_input, has_mask_input):
        """The per-prompt part: masks [B,3,h,w] (logits) and IoU predictions [B,3]."""
        up = lambda x: F.interpolate(x, size=(self.out_h, self.out_w), mode="bilinear", align_corners=False)  # noqa: E731
        g, px, py, lab = self._point_maps(point_coords, point_labels)
        pos = ((g * (lab == 1).float()).max(1, keepdim=True).values)
        neg = ((g * (lab == 0).float()).max(1, keepdim=True).values)
        inside, box_centre, has_box = self._box(px, py, lab)
        has_pos = (lab == 1).float().sum(1, keepdim=True).clamp(max=1.0)
        box_w = has_box * inside + (1 - has_box)
        seed = torch.clamp(2 * torch.maximum(pos, has_box * (1 - has_pos) * box_centre), max=1.0)
        q = (e * seed).sum((2, 3), keepdim=True) / (seed.sum((2, 3), keepdim=True) + 1e-6)
        qn = (e * neg).sum((2, 3), keepdim=True) / (neg.sum((2, 3), keepdim=True) + 1e-6)
        has_neg = (lab == 0).float().sum(1, keepdim=True).clamp(max=1.0)
        cos_p = (e * q).sum(1, keepdim=True) / (q.norm(dim=1, keepdim=True) + 1e-6)
        cos_n = (e * qn).sum(1, keepdim=True) / (qn.norm(dim=1, keepdim=True) + 1e-6)
        qc = (probs * seed).sum((2, 3), keepdim=True) / (seed.sum((2, 3), keepdim=True) + 1e-6)
        agree = (probs * qc).sum(1, keepdim=True) / ((qc * qc).sum(1, keepdim=True) + 1e-6)
        logit = self.aff_w[0] * agree + self.aff_w[1] * cos_p + self.aff_b
        if centre is not None:
            cq = (centre * seed).sum((2, 3), keepdim=True) / (seed.sum((2, 3), keepdim=True) + 1e-6)
            d2 = ((centre - cq) ** 2).sum(1, keepdim=True)
            logit = logit + self.aff_c * (torch.exp(-d2 / (2 * self.centre_sigma ** 2)) - 0.5)
        aff = torch.sigmoid(logit)
        aff = aff * (1 - has_neg * torch.sigmoid(self.alpha * (cos_n - cos_p))) * box_w
        # grown at half resolution: 8x cheaper, and the refinement sees the full-res affinity
        seed2, limit2 = F.max_pool2d(seed, 2), F.max_pool2d(torch.maximum(aff, seed), 2)
        grown = seed2
        for _ in range(GROW_STEPS):
            grown = torch.minimum(F.max_pool2d(grown, 3, 1, 1), limit2)
        grown = up(grown)
        # a distance prior for touching objects of one class, which the affinity cannot split
        near = torch.exp(-((self.grid_x - px) ** 2 + (self.grid_y - py) ** 2) / (2 * (16.0 * self.stride) ** 2))
        near = (near * (lab >= 1).float()).max(1, keepdim=True).values
        prev = has_mask_input.reshape(-1, 1, 1, 1) * torch.sigmoid(mask_input)
        x = torch.cat([grown, aff, agree, cos_p, seed, neg, box_w, prev, near, e], 1)
        masks = self.refine(x) + self.mask_gain.reshape(1, -1, 1, 1) * (grown - 0.5)
        stats = self.mask_stats(torch.sigmoid(masks), grown, aff, agree, cos_p, near, seed, neg, prev)
        iou = torch.sigmoid(self.score_head(stats.flatten(1)))
        return masks, iou

    @staticmethod
    def mask_stats(prob, grown, aff, agree, cos_p, near, seed, neg, prev):
        """[B, masks, N_STATS]: each mask's area and how it agrees with the click's evidence."""
        area = prob.mean((2, 3))
        inside = lambda m: (prob * m).mean((2, 3)) / (area + 1e-6)  # noqa: E731
        at = lambda m: (prob * m).sum((2, 3)) / (m.sum((2, 3)) + 1e-6)  # noqa: E731
        return torch.stack([area * 10, inside(grown), inside(aff), inside(1 - aff), inside(cos_p),
                            inside(agree), inside(near), at(seed), at(neg), inside(prev),
                            grown.mean((2, 3)).expand_as(area) * 10, inside((2 * prob - 1).abs())], -1)


class PromptEmbedder(nn.Module):
    """Export wrapper of the per-image part, reading the backbone graph's own tensors (rgb, thermal,
    high_res_feats_0, features, high_res_feats_1) -> prompt_embed = [unit embedding | class probs |
    voted centre x, y in cells (centres variant)]."""

    def __init__(self, pd: PromptDecoder):
        super().__init__()
        self.pd = pd

    def forward(self, rgb, thermal, stride4, features, stride8):
        e, class_logits, centre = self.pd.embed(prompt_image(stride4, rgb, thermal), features, stride8)
        return torch.cat([e, torch.softmax(class_logits, 1)] + ([centre] if centre is not None else []), 1)


class PromptClickDecoder(nn.Module):
    """Export wrapper of the per-click part with SAM2's decoder input names. Its one embedding input,
    image_embed, is the backbone's prompt_embed: it holds all the click needs, so the decoder has no
    high_res_feats_0/1 (the package manifest maps only image_embed)."""

    def __init__(self, pd: PromptDecoder):
        super().__init__()
        self.pd = pd

    def forward(self, image_embed, point_coords, point_labels, mask_input, has_mask_input):
        n = EMBED_C + self.pd.class_head.out_channels
        centre = image_embed[:, n:] if self.pd.centres else None
        return self.pd.click(image_embed[:, :EMBED_C], image_embed[:, EMBED_C:n], centre, point_coords,
                             point_labels, mask_input, has_mask_input)
