"""The PP-OCR steps around the two networks: text boxes from the detector's map, and the
recognizer's batches and CTC decoding.

Adapted from RapidOCR 3.10 (``rapidocr/ch_ppocr_det/utils.py``: ``DBPostProcess``;
``rapidocr/ch_ppocr_rec/main.py`` and ``utils.py``: ``TextRecognizer`` and
``CTCLabelDecode``), Copyright (c) 2020 PaddlePaddle Authors and RapidAI (SWHL), under the
Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0). Only the paths geosleuth
uses are kept (no word boxes, no right-to-left reordering: the shipped recognizer reads
Chinese, Japanese and Latin scripts); the arithmetic is theirs, step for step, so the boxes
and readings are the ones rapidocr gives (checked on rendered signs, the examples and real
photos). Importing rapidocr's own classes costs 0.5-0.8 CPU-s per process: its modules
load ``default_models.yaml`` twice into OmegaConf and import requests (for downloads
geosleuth never makes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


class DBPostProcess:
    """Boxes of text lines from the detector's probability map (Differentiable
    Binarization), in the coordinates of the image the map was computed for."""

    def __init__(self, thresh: float = 0.3, box_thresh: float = 0.7,
                 max_candidates: int = 1000, unclip_ratio: float = 2.0,
                 score_mode: str = "fast", use_dilation: bool = False) -> None:
        self.thresh = thresh
        self.box_thresh = box_thresh
        self.max_candidates = max_candidates
        self.unclip_ratio = unclip_ratio
        self.min_size = 3
        self.score_mode = score_mode
        self.dilation_kernel = np.array([[1, 1], [1, 1]]) if use_dilation else None

    def __call__(self, pred: np.ndarray, ori_shape: tuple[int, int]
                 ) -> tuple[np.ndarray, list[float]]:
        import cv2

        src_h, src_w = ori_shape
        pred = pred[:, 0, :, :]
        segmentation = pred > self.thresh
        mask = segmentation[0]
        if self.dilation_kernel is not None:
            mask = cv2.dilate(np.array(segmentation[0]).astype(np.uint8), self.dilation_kernel)
        boxes, scores = self.boxes_from_bitmap(pred[0], mask, src_w, src_h)
        return self.filter_det_res(boxes, scores, src_h, src_w)

    def boxes_from_bitmap(self, pred: np.ndarray, bitmap: np.ndarray, dest_width: int,
                          dest_height: int) -> tuple[np.ndarray, list[float]]:
        import cv2

        height, width = bitmap.shape
        outs = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST,
                                cv2.CHAIN_APPROX_SIMPLE)
        contours = outs[1] if len(outs) == 3 else outs[0]
        boxes, scores = [], []
        for index in range(min(len(contours), self.max_candidates)):
            contour = contours[index]
            points, sside = self.get_mini_boxes(contour)
            if sside < self.min_size:
                continue
            if self.score_mode == "fast":
                score = self.box_score_fast(pred, points.reshape(-1, 2))
            else:
                score = self.box_score_slow(pred, contour)
            if self.box_thresh > score:
                continue
            box, sside = self.get_mini_boxes(self.unclip(points))
            if sside < self.min_size + 2:
                continue
            box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_width), 0, dest_width)
            box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_height), 0, dest_height)
            boxes.append(box.astype(np.int32))
            scores.append(score)
        return np.array(boxes, dtype=np.int32), scores

    @staticmethod
    def get_mini_boxes(contour: np.ndarray) -> tuple[np.ndarray, float]:
        import cv2

        bounding_box = cv2.minAreaRect(contour)
        points = sorted(cv2.boxPoints(bounding_box), key=lambda x: x[0])
        index_1, index_4 = (0, 1) if points[1][1] > points[0][1] else (1, 0)
        index_2, index_3 = (2, 3) if points[3][1] > points[2][1] else (3, 2)
        box = np.array([points[index_1], points[index_2], points[index_3], points[index_4]])
        return box, min(bounding_box[1])

    @staticmethod
    def box_score_fast(bitmap: np.ndarray, _box: np.ndarray) -> float:
        import cv2

        h, w = bitmap.shape[:2]
        box = _box.copy()
        xmin = np.clip(np.floor(box[:, 0].min()).astype(np.int32), 0, w - 1)
        xmax = np.clip(np.ceil(box[:, 0].max()).astype(np.int32), 0, w - 1)
        ymin = np.clip(np.floor(box[:, 1].min()).astype(np.int32), 0, h - 1)
        ymax = np.clip(np.ceil(box[:, 1].max()).astype(np.int32), 0, h - 1)
        mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
        box[:, 0] = box[:, 0] - xmin
        box[:, 1] = box[:, 1] - ymin
        cv2.fillPoly(mask, box.reshape(1, -1, 2).astype(np.int32), 1)
        return float(cv2.mean(bitmap[ymin : ymax + 1, xmin : xmax + 1], mask)[0])

    @staticmethod
    def box_score_slow(bitmap: np.ndarray, contour: np.ndarray) -> float:
        import cv2

        h, w = bitmap.shape[:2]
        contour = np.reshape(contour.copy(), (-1, 2))
        xmin = np.clip(np.min(contour[:, 0]), 0, w - 1)
        xmax = np.clip(np.max(contour[:, 0]), 0, w - 1)
        ymin = np.clip(np.min(contour[:, 1]), 0, h - 1)
        ymax = np.clip(np.max(contour[:, 1]), 0, h - 1)
        mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
        contour[:, 0] = contour[:, 0] - xmin
        contour[:, 1] = contour[:, 1] - ymin
        cv2.fillPoly(mask, contour.reshape(1, -1, 2).astype(np.int32), 1)
        return float(cv2.mean(bitmap[ymin : ymax + 1, xmin : xmax + 1], mask)[0])

    def unclip(self, box: np.ndarray) -> np.ndarray:
        import pyclipper
        from shapely.geometry import Polygon

        poly = Polygon(box)
        distance = poly.area * self.unclip_ratio / poly.length
        offset = pyclipper.PyclipperOffset()
        offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        return np.array(offset.Execute(distance)).reshape((-1, 1, 2))

    def filter_det_res(self, dt_boxes: np.ndarray, scores: list[float], img_height: int,
                       img_width: int) -> tuple[np.ndarray, list[float]]:
        dt_boxes_new, new_scores = [], []
        for box, score in zip(dt_boxes, scores, strict=False):
            box = self.clip_det_res(self.order_points_clockwise(box), img_height, img_width)
            rect_width = int(np.linalg.norm(box[0] - box[1]))
            rect_height = int(np.linalg.norm(box[0] - box[3]))
            if rect_width <= 3 or rect_height <= 3:
                continue
            dt_boxes_new.append(box)
            new_scores.append(score)
        return np.array(dt_boxes_new), new_scores

    @staticmethod
    def order_points_clockwise(pts: np.ndarray) -> np.ndarray:
        x_sorted = pts[np.argsort(pts[:, 0]), :]
        left, right = x_sorted[:2, :], x_sorted[2:, :]
        tl, bl = left[np.argsort(left[:, 1]), :]
        tr, br = right[np.argsort(right[:, 1]), :]
        return np.array([tl, tr, br, bl], dtype="float32")

    @staticmethod
    def clip_det_res(points: np.ndarray, img_height: int, img_width: int) -> np.ndarray:
        for pno in range(points.shape[0]):
            points[pno, 0] = int(min(max(points[pno, 0], 0), img_width - 1))
            points[pno, 1] = int(min(max(points[pno, 1], 0), img_height - 1))
        return points


class CTCLabelDecode:
    """The recognizer's output (batch x steps x classes) as (text, mean confidence)."""

    def __init__(self, character: Sequence[str]) -> None:
        # class 0 is CTC's blank; the model's list is followed by a space
        self.character = ["blank", *character, " "]

    def __call__(self, preds: np.ndarray) -> list[tuple[str, float]]:
        text_index, text_prob = preds.argmax(axis=2), preds.max(axis=2)
        results = []
        for batch_idx in range(len(text_index)):
            token_indices = text_index[batch_idx]
            selection = np.ones(len(token_indices), dtype=bool)
            selection[1:] = token_indices[1:] != token_indices[:-1]
            selection &= token_indices != 0  # the blank
            conf_list = [round(conf, 5) for conf in
                         np.array(text_prob[batch_idx][selection]).tolist()] or [0]
            text = "".join(self.character[text_id] for text_id in token_indices[selection])
            results.append((text, np.mean(conf_list).round(5).tolist()))
        return results


def _resize_norm(img: np.ndarray, shape: Sequence[int], max_wh_ratio: float) -> np.ndarray:
    import cv2

    img_channel, img_height, _ = shape
    assert img_channel == img.shape[2]
    img_width = int(img_height * max_wh_ratio)
    h, w = img.shape[:2]
    ratio = w / float(h)
    resized_w = img_width if math.ceil(img_height * ratio) > img_width \
        else math.ceil(img_height * ratio)
    resized = cv2.resize(img, (resized_w, img_height)).astype("float32")
    resized = resized.transpose((2, 0, 1)) / 255
    resized -= 0.5
    resized /= 0.5
    padded = np.zeros((img_channel, img_height, img_width), dtype=np.float32)
    padded[:, :, 0:resized_w] = resized
    return padded


def recognize(run: Any, decode: CTCLabelDecode, images: Sequence[np.ndarray],
              shape: Sequence[int], batch: int) -> list[tuple[str, float]]:
    """(text, confidence) of each line image (HxWx3 uint8), read in batches of ``batch``
    sorted by width, each padded to its widest (``run``: batch tensor -> network output)."""
    width_list = [img.shape[1] / float(img.shape[0]) for img in images]
    indices = np.argsort(np.array(width_list))
    results: list[tuple[str, float]] = [("", 0.0)] * len(images)
    _, img_h, img_w = shape[:3]
    for beg in range(0, len(images), batch):
        end = min(len(images), beg + batch)
        max_wh_ratio = img_w / img_h
        for ino in range(beg, end):
            h, w = images[indices[ino]].shape[0:2]
            max_wh_ratio = max(max_wh_ratio, w * 1.0 / h)
        tensor = np.concatenate([
            _resize_norm(images[indices[ino]], shape, max_wh_ratio)[np.newaxis, :]
            for ino in range(beg, end)]).astype(np.float32)
        for rno, one in enumerate(decode(run(tensor))):
            results[indices[beg + rno]] = one
    return results
