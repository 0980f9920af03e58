"""Draw the application icon (囍 on red) in the bundled font and write every size the
installers use. Run again after changing it; the outputs are committed:

    .venv/bin/python installer/icons/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parents[1] / "resources" / "fonts" / "NotoSansSC-Regular.otf"
RED, GOLD = (196, 30, 36, 255), (255, 222, 140, 255)
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int = 256) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=RED)
    font = ImageFont.truetype(str(FONT), int(size * 0.78))
    pen.text((size / 2, size / 2), "囍", font=font, fill=GOLD, anchor="mm")
    return image


def main() -> None:
    big = draw(256)
    big.save(HERE / "counter-app.png")
    big.save(HERE / "counter-app.ico", sizes=[(s, s) for s in SIZES])


if __name__ == "__main__":
    main()
