package org.rankadaptor.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaMA's SentencePiece BPE tokenizer.model, read without native code: the protobuf is parsed here and encoding merges
 * the adjacent pair with the best score until none is in the vocabulary, with byte fallback for unknown characters.
 */
public final class SentencePieceTokenizer extends SpecialTokens {
    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_BYTE = 6;
    private static final String SPACE = "\u2581";

    private final List<String> pieces;
    private final float[] scores;
    private final int[] types;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[] byteIds = new int[256];

    private SentencePieceTokenizer(List<String> pieces, float[] scores, int[] types, TokenizerSettings settings) {
        super(settings);
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        java.util.Arrays.fill(byteIds, -1);
        for (int i = 0; i < pieces.size(); i++) {
            if (types[i] == TYPE_BYTE) {
                byteIds[Integer.parseInt(pieces.get(i).substring(3, 5), 16)] = i;
            } else if (types[i] == TYPE_NORMAL || types[i] == 4) {
                ids.putIfAbsent(pieces.get(i), i);
            }
        }
    }

    static SentencePieceTokenizer load(Path file, TokenizerSettings settings) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        try {
            ProtoReader model = new ProtoReader(bytes, 0, bytes.length);
            while (model.hasMore()) {
                int tag = model.readTag();
                if (tag >>> 3 == 1 && (tag & 7) == 2) {
                    ProtoReader piece = model.readMessage();
                    String text = "";
                    float score = 0;
                    int type = TYPE_NORMAL;
                    while (piece.hasMore()) {
                        int t = piece.readTag();
                        if (t == (1 << 3 | 2)) {
                            text = piece.readString();
                        } else if (t == (2 << 3 | 5)) {
                            score = piece.readFloat();
                        } else if (t == (3 << 3)) {
                            type = (int) piece.readVarint();
                        } else {
                            piece.skip(t);
                        }
                    }
                    pieces.add(text);
                    scores.add(score);
                    types.add(type);
                } else {
                    model.skip(tag);
                }
            }
        } catch (RuntimeException e) {
            throw new CheckpointException(file + ": not a SentencePiece model (" + e.getMessage() + ")", e);
        }
        if (pieces.isEmpty()) {
            throw new CheckpointException(file + ": SentencePiece model has no pieces");
        }
        float[] s = new float[scores.size()];
        int[] ty = new int[types.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            ty[i] = types.get(i);
        }
        return new SentencePieceTokenizer(pieces, s, ty, settings);
    }

    @Override
    public long[] encode(String text) {
        if (text.isEmpty()) {
            return new long[0];
        }
        String normalized = SPACE + text.replace(" ", SPACE);
        List<Integer> tokens = new ArrayList<>();
        normalized.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            Integer id = ids.get(ch);
            if (id != null) {
                tokens.add(id);
            } else {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                    int byteId = byteIds[b & 0xff];
                    tokens.add(byteId >= 0 ? byteId : 0);
                }
            }
        });
        while (true) {
            float bestScore = Float.NEGATIVE_INFINITY;
            int bestIndex = -1;
            int bestId = -1;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                Integer merged = ids.get(pieces.get(tokens.get(i)) + pieces.get(tokens.get(i + 1)));
                if (merged != null && scores[merged] > bestScore) {
                    bestScore = scores[merged];
                    bestIndex = i;
                    bestId = merged;
                }
            }
            if (bestIndex < 0) {
                break;
            }
            tokens.set(bestIndex, bestId);
            tokens.remove(bestIndex + 1);
        }
        return tokens.stream().mapToLong(Integer::longValue).toArray();
    }

    @Override
    public String decode(long[] tokenIds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long id : tokenIds) {
            int i = (int) id;
            if (i < 0 || i >= pieces.size() || i == bosId() || i == eosId() || types[i] == 2 || types[i] == 3) {
                continue;
            }
            if (types[i] == TYPE_BYTE) {
                out.write(Integer.parseInt(pieces.get(i).substring(3, 5), 16));
            } else {
                out.writeBytes(pieces.get(i).replace(SPACE, " ").getBytes(StandardCharsets.UTF_8));
            }
        }
        String text = out.toString(StandardCharsets.UTF_8);
        return text.startsWith(" ") ? text.substring(1) : text;
    }

    @Override
    public int vocabSize() {
        return pieces.size();
    }

    @Override
    public void close() {
        // nothing native to free
    }

    /** Minimal protobuf wire-format reader with bounds checks. */
    private static final class ProtoReader {
        private final byte[] buf;
        private int pos;
        private final int end;

        ProtoReader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        int readTag() {
            return (int) readVarint();
        }

        long readVarint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalStateException("truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new IllegalStateException("varint too long");
        }

        ProtoReader readMessage() {
            int length = checkedLength();
            ProtoReader sub = new ProtoReader(buf, pos, pos + length);
            pos += length;
            return sub;
        }

        String readString() {
            int length = checkedLength();
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        float readFloat() {
            if (pos + 4 > end) {
                throw new IllegalStateException("truncated float");
            }
            int bits = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
            pos += 4;
            return Float.intBitsToFloat(bits);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0: readVarint(); break;
                case 1: advance(8); break;
                case 2: advance(checkedLength()); break;
                case 5: advance(4); break;
                default: throw new IllegalStateException("unsupported wire type " + (tag & 7));
            }
        }

        private void advance(int n) {
            if (n < 0 || pos + n > end) {
                throw new IllegalStateException("field runs past the end");
            }
            pos += n;
        }

        private int checkedLength() {
            long length = readVarint();
            if (length < 0 || length > end - pos) {
                throw new IllegalStateException("length " + length + " runs past the end");
            }
            return (int) length;
        }
    }
}
