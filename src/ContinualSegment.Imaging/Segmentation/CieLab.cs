namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// sRGB ↔ DICOM CIELab (PS3.3 C.10.7.1.1): L* 0..100 → 0..65535, a*, b* −128..127 → 0..65535, computed through
/// CIE XYZ with the D65 reference white of sRGB.
/// </summary>
public static class CieLab
{
    private const double Xn = 0.95047, Yn = 1.0, Zn = 1.08883;

    /// <summary>The scaled DICOM CIELab triplet of an sRGB colour.</summary>
    public static ushort[] FromRgb(RgbColor color)
    {
        double r = ToLinear(color.R / 255.0), g = ToLinear(color.G / 255.0), b = ToLinear(color.B / 255.0);
        double x = (0.4124564 * r) + (0.3575761 * g) + (0.1804375 * b);
        double y = (0.2126729 * r) + (0.7151522 * g) + (0.0721750 * b);
        double z = (0.0193339 * r) + (0.1191920 * g) + (0.9503041 * b);
        double fx = F(x / Xn), fy = F(y / Yn), fz = F(z / Zn);
        double l = (116 * fy) - 16, a = 500 * (fx - fy), bb = 200 * (fy - fz);
        return
        [
            Scale(l / 100.0),
            Scale((a + 128) / 255.0),
            Scale((bb + 128) / 255.0),
        ];
    }

    /// <summary>The sRGB colour of a scaled DICOM CIELab triplet (out-of-gamut values are clipped).</summary>
    public static RgbColor ToRgb(IReadOnlyList<ushort> lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (lab.Count != 3)
        {
            throw new ArgumentException("A CIELab value has three components.", nameof(lab));
        }

        double l = lab[0] * 100.0 / 65535.0, a = (lab[1] * 255.0 / 65535.0) - 128, bb = (lab[2] * 255.0 / 65535.0) - 128;
        double fy = (l + 16) / 116, fx = fy + (a / 500), fz = fy - (bb / 200);
        double x = Xn * FInverse(fx), y = Yn * FInverse(fy), z = Zn * FInverse(fz);
        double r = (3.2404542 * x) - (1.5371385 * y) - (0.4985314 * z);
        double g = (-0.9692660 * x) + (1.8760108 * y) + (0.0415560 * z);
        double b = (0.0556434 * x) - (0.2040259 * y) + (1.0572252 * z);
        return new RgbColor(ToByte(r), ToByte(g), ToByte(b));
    }

    private static double ToLinear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);

    private static double FromLinear(double c) => c <= 0.0031308 ? 12.92 * c : (1.055 * Math.Pow(c, 1 / 2.4)) - 0.055;

    private static double F(double t) => t > 216.0 / 24389.0 ? Math.Cbrt(t) : ((24389.0 / 27.0 * t) + 16) / 116;

    private static double FInverse(double f) => f * f * f > 216.0 / 24389.0 ? f * f * f : ((116 * f) - 16) / (24389.0 / 27.0);

    private static ushort Scale(double v) => (ushort)Math.Clamp(Math.Round(v * 65535), 0, 65535);

    private static byte ToByte(double linear) => (byte)Math.Clamp(Math.Round(FromLinear(Math.Clamp(linear, 0, 1)) * 255), 0, 255);
}
