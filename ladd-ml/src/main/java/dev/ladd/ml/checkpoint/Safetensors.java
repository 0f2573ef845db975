package dev.ladd.ml.checkpoint;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the HuggingFace safetensors format: an 8-byte little-endian header length N, N bytes
 * of UTF-8 JSON header ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
 * "__metadata__": {...}}}, offsets relative to the data section), then the little-endian tensor bytes.
 *
 * <p>The reader refuses, with a {@link SafetensorsFormatException} naming the problem, anything but a
 * well-formed file of F32/F16/BF16 tensors whose data section is exactly covered by the tensors, without
 * holes or overlaps. The writer sorts tensors by name, pads the header with spaces to a multiple of 8
 * bytes, and writes files atomically (temp file, then rename).
 */
public final class Safetensors {

    /** The header key of the string→string metadata map. */
    public static final String METADATA_KEY = "__metadata__";
    /** Headers longer than this are refused as absurd. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int LENGTH_PREFIX = 8;
    private static final int CHUNK_ELEMENTS = 1 << 14;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Safetensors() {
    }

    // ---------------------------------------------------------------- reading

    /** Reads a safetensors file; the error names the file. */
    public static SafetensorsFile read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 16) {
            throw new SafetensorsFormatException(path + ": " + size + " bytes; files over 2 GiB are not supported");
        }
        try {
            return read(Files.readAllBytes(path));
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses the bytes of a safetensors file. */
    public static SafetensorsFile read(byte[] bytes) throws SafetensorsFormatException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = headerLength(buffer);
        JsonNode header = parseHeader(bytes, headerLength);
        int dataStart = LENGTH_PREFIX + headerLength;
        long dataLength = bytes.length - (long) dataStart;

        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : header.properties()) {
            if (property.getKey().equals(METADATA_KEY)) {
                metadata = metadata(property.getValue());
            } else {
                entries.add(entry(property.getKey(), property.getValue(), dataLength));
            }
        }
        checkCoverage(entries, dataLength);

        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        for (Entry entry : entries) {
            tensors.put(entry.name, entry.decode(buffer, dataStart));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private static int headerLength(ByteBuffer buffer) throws SafetensorsFormatException {
        int fileLength = buffer.capacity();
        if (fileLength < LENGTH_PREFIX) {
            throw new SafetensorsFormatException("truncated file: " + fileLength
                    + " bytes, fewer than the 8-byte header length that starts a safetensors file");
        }
        long headerLength = buffer.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES || headerLength > fileLength) {
            throw new SafetensorsFormatException("header length " + Long.toUnsignedString(headerLength)
                    + " is absurd: the file has " + fileLength + " bytes and headers are limited to "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (LENGTH_PREFIX + headerLength > fileLength) {
            throw new SafetensorsFormatException("truncated file: the header length says " + headerLength
                    + " bytes of header but only " + (fileLength - LENGTH_PREFIX) + " bytes follow the length");
        }
        return (int) headerLength;
    }

    private static JsonNode parseHeader(byte[] bytes, int headerLength) throws SafetensorsFormatException {
        JsonNode header;
        try {
            header = JSON.readTree(bytes, LENGTH_PREFIX, headerLength);
        } catch (JacksonException e) {
            throw new SafetensorsFormatException("header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || header.isMissingNode() || !header.isObject()) {
            String found = header == null || header.isMissingNode() ? "nothing" : header.getNodeType().toString();
            throw new SafetensorsFormatException("header must be a JSON object, found " + found);
        }
        return header;
    }

    private static Map<String, String> metadata(JsonNode node) throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(METADATA_KEY + " must be an object of strings, found " + node.getNodeType());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (!property.getValue().isString()) {
                throw new SafetensorsFormatException(METADATA_KEY + " must be an object of strings; '" + property.getKey()
                        + "' is " + property.getValue().getNodeType());
            }
            metadata.put(property.getKey(), property.getValue().stringValue());
        }
        return metadata;
    }

    /** One tensor entry of the header, checked on its own. */
    private record Entry(String name, DType dtype, long[] shape, int elements, long begin, long end) {

        SafetensorsTensor decode(ByteBuffer file, int dataStart) {
            ByteBuffer data = file.slice(dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[elements];
            switch (dtype) {
                case F32 -> data.asFloatBuffer().get(values);
                case F16 -> {
                    for (int i = 0; i < elements; i++) {
                        values[i] = FloatFormats.halfToFloat(data.getShort(2 * i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < elements; i++) {
                        values[i] = FloatFormats.bfloat16ToFloat(data.getShort(2 * i));
                    }
                }
            }
            return new SafetensorsTensor(name, dtype, shape, values);
        }
    }

    private static Entry entry(String name, JsonNode node, long dataLength) throws SafetensorsFormatException {
        String tensor = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsFormatException(tensor + " must be a JSON object, found " + node.getNodeType());
        }
        JsonNode dtypeNode = required(node, "dtype", tensor);
        if (!dtypeNode.isString()) {
            throw new SafetensorsFormatException(tensor + " has a dtype that is not a string: " + dtypeNode);
        }
        DType dtype = DType.fromHeader(dtypeNode.stringValue(), name);
        long[] shape = integers(required(node, "shape", tensor), tensor + " shape");
        for (long dim : shape) {
            if (dim < 0) {
                throw new SafetensorsFormatException(tensor + " has a negative dimension " + dim + " in shape "
                        + Arrays.toString(shape));
            }
        }
        long[] offsets = integers(required(node, "data_offsets", tensor), tensor + " data_offsets");
        if (offsets.length != 2 || offsets[0] < 0) {
            throw new SafetensorsFormatException(tensor + " data_offsets must be two non-negative integers [begin, end], found "
                    + Arrays.toString(offsets));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafetensorsFormatException(tensor + " has data_offsets [" + begin + ", " + end + "] with begin > end");
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(tensor + " has data_offsets [" + begin + ", " + end
                    + "] outside the data section, which has " + dataLength + " bytes (the file is truncated or the offsets are wrong)");
        }
        int elements = elementCount(shape, tensor);
        long expected = (long) elements * dtype.sizeBytes();
        if (end - begin != expected) {
            throw new SafetensorsFormatException(tensor + " has " + (end - begin) + " bytes in data_offsets [" + begin + ", " + end
                    + "] but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expected + " bytes (byte length mismatch)");
        }
        return new Entry(name, dtype, shape, elements, begin, end);
    }

    private static JsonNode required(JsonNode node, String field, String tensor) throws SafetensorsFormatException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new SafetensorsFormatException(tensor + " has no " + field);
        }
        return value;
    }

    private static long[] integers(JsonNode node, String what) throws SafetensorsFormatException {
        if (!node.isArray()) {
            throw new SafetensorsFormatException(what + " must be an array of integers, found " + node);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToLong()) {
                throw new SafetensorsFormatException(what + " must be an array of integers, found " + node);
            }
            values[i] = item.longValue();
        }
        return values;
    }

    private static int elementCount(long[] shape, String tensor) throws SafetensorsFormatException {
        try {
            return Math.toIntExact(SafetensorsTensor.elementCount(shape));
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(tensor + " shape " + Arrays.toString(shape) + " has too many elements");
        }
    }

    /** The tensors must tile the data section exactly: sorted by offset, each starts where the last ended. */
    private static void checkCoverage(List<Entry> entries, long dataLength) throws SafetensorsFormatException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long cursor = 0;
        Entry previous = null;
        for (Entry entry : byOffset) {
            if (entry.begin > cursor) {
                throw new SafetensorsFormatException("hole in the data section: bytes [" + cursor + ", " + entry.begin
                        + ") before tensor '" + entry.name + "' belong to no tensor (tensors must be contiguous)");
            }
            if (entry.begin < cursor) {
                throw new SafetensorsFormatException("tensors '" + previous.name + "' and '" + entry.name
                        + "' overlap in the data section (at byte " + entry.begin + ")");
            }
            cursor = entry.end;
            previous = entry;
        }
        if (cursor != dataLength) {
            throw new SafetensorsFormatException("hole in the data section: bytes [" + cursor + ", " + dataLength
                    + ") after the last tensor belong to no tensor (tensors must be contiguous)");
        }
    }

    // ---------------------------------------------------------------- writing

    /** The bytes of a safetensors file holding {@code file}. */
    public static byte[] toBytes(SafetensorsFile file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Writes {@code file} to {@code target} atomically: a temp file beside it, synced, then renamed over it. */
    public static void write(SafetensorsFile file, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".part");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                write(file, out);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " atomically onto " + absolute, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code file} to {@code out} (which stays open): tensors sorted by name. */
    public static void write(SafetensorsFile file, OutputStream out) throws IOException {
        List<SafetensorsTensor> sorted = new ArrayList<>(file.tensors().values());
        sorted.sort(Comparator.comparing(SafetensorsTensor::name));
        byte[] header = header(sorted, file.metadata());

        ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        out.write(prefix.array());
        out.write(header);
        for (SafetensorsTensor tensor : sorted) {
            writeData(tensor, out);
        }
    }

    /** Compact JSON header, padded with spaces to a multiple of 8 bytes as the reference implementation does. */
    private static byte[] header(List<SafetensorsTensor> sorted, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (SafetensorsTensor tensor : sorted) {
            ObjectNode entry = header.putObject(tensor.name());
            entry.put("dtype", tensor.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            entry.putArray("data_offsets").add(offset).add(offset + tensor.byteLength());
            offset += tensor.byteLength();
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] result = Arrays.copyOf(json, padded);
        Arrays.fill(result, json.length, padded, (byte) ' ');
        return result;
    }

    private static void writeData(SafetensorsTensor tensor, OutputStream out) throws IOException {
        float[] values = tensor.values();
        DType dtype = tensor.dtype();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ELEMENTS * dtype.sizeBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += CHUNK_ELEMENTS) {
            int end = Math.min(values.length, start + CHUNK_ELEMENTS);
            chunk.clear();
            for (int i = start; i < end; i++) {
                switch (dtype) {
                    case F32 -> chunk.putFloat(values[i]);
                    case F16 -> chunk.putShort(FloatFormats.floatToHalf(values[i]));
                    case BF16 -> chunk.putShort(FloatFormats.floatToBfloat16(values[i]));
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }
}
