"""Makes oscart/training/demo_files/first-aid.webm, the demo course's video: 8 seconds, 320×180, VP8, no sound.

Run once by hand with PyAV (``pip install av numpy``; not a dependency of the portal, which only ships the file):
``python docs/demo_video.py``. Drawn from rectangles, so nothing is downloaded.
"""

from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT, FPS, SECONDS = 320, 180, 12, 8
BLUE, WHITE, RED, AMBER = (11, 92, 142), (255, 255, 255), (200, 30, 40), (242, 169, 0)
TARGET = Path(__file__).resolve().parent.parent / "oscart" / "training" / "demo_files" / "first-aid.webm"


def frame(number):
    image = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
    image[:] = BLUE
    progress = number / (FPS * SECONDS - 1)
    size = 30 + int(20 * abs(np.sin(progress * np.pi * 4)))  # a red cross on a white square, beating
    cx, cy = WIDTH // 2, HEIGHT // 2 - 10
    image[cy - size:cy + size, cx - size:cx + size] = WHITE
    arm = size // 3
    image[cy - size + 6:cy + size - 6, cx - arm:cx + arm] = RED
    image[cy - arm:cy + arm, cx - size + 6:cx + size - 6] = RED
    image[HEIGHT - 16:HEIGHT - 8, 16:16 + int((WIDTH - 32) * progress)] = AMBER  # how far the video is
    return image


def main():
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(TARGET), mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "30", "b:v": "60k"}
        for number in range(FPS * SECONDS):
            picture = av.VideoFrame.from_ndarray(frame(number), format="rgb24")
            for packet in stream.encode(picture):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    print(TARGET, TARGET.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
