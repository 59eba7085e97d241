package org.rankadaptor.model;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Element types of safetensors files that we convert to float32 on load. */
public enum TensorDType {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    TensorDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Reads one little-endian element at byte offset {@code at} and widens it to float. */
    float decode(byte[] buf, int at) {
        switch (this) {
            case F32:
                return Float.intBitsToFloat((buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8
                        | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 24);
            case F16:
                return halfToFloat((buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8);
            default:
                // bf16 is the top half of a float32
                return Float.intBitsToFloat(((buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8) << 16);
        }
    }

    void encode(float value, byte[] buf, int at) {
        int bits;
        switch (this) {
            case F32:
                bits = Float.floatToRawIntBits(value);
                buf[at] = (byte) bits;
                buf[at + 1] = (byte) (bits >> 8);
                buf[at + 2] = (byte) (bits >> 16);
                buf[at + 3] = (byte) (bits >> 24);
                return;
            case F16:
                bits = floatToHalf(value);
                break;
            default:
                bits = floatToBfloat16(value);
                break;
        }
        buf[at] = (byte) bits;
        buf[at + 1] = (byte) (bits >> 8);
    }

    /** Every binary16 value widened, so bulk fp16 decoding is one table lookup per element. */
    private static final class HalfTable {
        static final float[] VALUES = new float[1 << 16];

        static {
            for (int h = 0; h < VALUES.length; h++) {
                VALUES[h] = halfToFloat(h);
            }
        }
    }

    /** Widens all remaining 16-bit elements of {@code src} (F16 or BF16) into {@code dst}, advancing both. */
    void decode(ShortBuffer src, FloatBuffer dst) {
        int n = src.remaining();
        int s = src.position();
        int d = dst.position();
        if (this == BF16) {
            for (int i = 0; i < n; i++) {
                dst.put(d + i, Float.intBitsToFloat((src.get(s + i) & 0xffff) << 16));
            }
        } else if (this == F16) {
            float[] table = HalfTable.VALUES;
            for (int i = 0; i < n; i++) {
                dst.put(d + i, table[src.get(s + i) & 0xffff]);
            }
        } else {
            throw new IllegalStateException("F32 has no 16-bit encoding");
        }
        src.position(s + n);
        dst.position(d + n);
    }

    /** Narrows all remaining floats of {@code src} into {@code dst} (F16 or BF16), advancing both. */
    void encode(FloatBuffer src, ShortBuffer dst) {
        int n = src.remaining();
        int s = src.position();
        int d = dst.position();
        for (int i = 0; i < n; i++) {
            float value = src.get(s + i);
            int bits;
            if (this == BF16) {
                bits = floatToBfloat16(value);
            } else if (this == F16) {
                bits = floatToHalf(value);
            } else {
                throw new IllegalStateException("F32 has no 16-bit encoding");
            }
            dst.put(d + i, (short) bits);
        }
        src.position(s + n);
        dst.position(d + n);
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(int half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1f;
        int mantissa = half & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    /** float to bfloat16 (its top 16 bits), rounded to nearest even as torch does. */
    static int floatToBfloat16(float value) {
        int f = Float.floatToRawIntBits(value);
        return (f + 0x7fff + ((f >> 16) & 1)) >>> 16;
    }

    /** float to binary16, round to nearest even. */
    static int floatToHalf(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = ((f >>> 23) & 0xff) - 127 + 15;
        int mantissa = f & 0x7fffff;
        if (((f >>> 23) & 0xff) == 0xff) {
            return sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0);
        }
        if (exponent >= 0x1f) {
            return sign | 0x7c00;
        }
        if (exponent <= 0) {
            if (exponent < -10) {
                return sign;
            }
            mantissa |= 0x800000;
            int shift = 14 - exponent;
            int rounded = (mantissa + (1 << (shift - 1)) - 1 + ((mantissa >> shift) & 1)) >> shift;
            return sign | rounded;
        }
        int rounded = mantissa + 0xfff + ((mantissa >> 13) & 1);
        if ((rounded & 0x800000) != 0) {
            rounded = 0;
            exponent++;
            if (exponent >= 0x1f) {
                return sign | 0x7c00;
            }
        }
        return sign | exponent << 10 | rounded >> 13;
    }

    public static TensorDType parse(String name, String where) {
        for (TensorDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new CheckpointException(where + ": unsupported dtype '" + name + "' (supported: F32, F16, BF16)");
    }
}
