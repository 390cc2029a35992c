#!/usr/bin/env python3
"""Copies of a CT series for conformance/run.sh where dcmtk has no encoder: JPEG 2000 (Pillow's OpenJPEG)
and an unsigned copy (for dcmcjpls near-lossless, which refuses signed pixels).

usage: reencode.py MODE SOURCE_DIR TARGET_DIR    (MODE: unsigned, j2k-lossless, j2k)

Pixel values are shifted to be non-negative when needed, with Rescale Intercept adjusted, so HU are unchanged.
Needs python3-pydicom, python3-numpy and python3-pil (Debian 12 packages).
"""
import io
import os
import sys

import numpy as np
import pydicom
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000, JPEG2000Lossless
from PIL import Image


def unsigned(ds):
    arr = ds.pixel_array.astype(np.int32)
    shift = max(0, -int(arr.min()))
    if ds.PixelRepresentation == 1 or shift:
        arr = arr + shift
        ds.PixelRepresentation = 0
        ds.RescaleIntercept = float(getattr(ds, "RescaleIntercept", 0)) - shift
        for keyword in ("SmallestImagePixelValue", "LargestImagePixelValue"):
            if keyword in ds:
                delattr(ds, keyword)
    if int(arr.max()) >= 1 << ds.BitsStored:
        raise SystemExit(f"{ds.SOPInstanceUID}: pixel values do not fit {ds.BitsStored} bits")
    return arr.astype(np.uint16)


def main():
    mode, source, target = sys.argv[1:4]
    os.makedirs(target, exist_ok=True)
    count = 0
    for name in sorted(os.listdir(source)):
        path = os.path.join(source, name)
        if not os.path.isfile(path):
            continue
        ds = pydicom.dcmread(path)
        arr = unsigned(ds)
        if mode == "unsigned":
            ds.PixelData = arr.tobytes()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        else:
            lossy = mode == "j2k"
            buffer = io.BytesIO()
            image = Image.fromarray(arr, mode="I;16")
            options = {"quality_mode": "rates", "quality_layers": [8]} if lossy else {}
            image.save(buffer, format="JPEG2000", no_jp2=True, irreversible=lossy, **options)
            ds.PixelData = encapsulate([buffer.getvalue()])
            ds["PixelData"].VR = "OB"
            ds["PixelData"].is_undefined_length = True
            ds.file_meta.TransferSyntaxUID = JPEG2000 if lossy else JPEG2000Lossless
            if lossy:
                ds.LossyImageCompression = "01"
                ds.LossyImageCompressionRatio = "8"
                ds.LossyImageCompressionMethod = "ISO_15444_1"
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.save_as(os.path.join(target, name), write_like_original=False)
        count += 1
    if count == 0:
        raise SystemExit(f"no files in {source}")


if __name__ == "__main__":
    main()
