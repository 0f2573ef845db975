package dev.ladd.gateway.web;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Every request body is capped before anything reads it — under {@code /v1/} at
 * {@code ladd.gateway.openai.max-body-bytes}, elsewhere (the proxied services included) at
 * {@code ladd.gateway.max-body-bytes} —: a larger one is a 413, by its Content-Length, or, sent chunked without one,
 * after reading at most one byte more than the limit (the body read is then handed on). GET, HEAD and DELETE take no
 * body: one is a 400. Runs after {@link dev.ladd.gateway.keys.ApiKeyFilter}: no key is a 401 first.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class BodyLimit extends OncePerRequestFilter {

    private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "DELETE");

    private final int openAiMaxBytes;
    private final int maxBytes;
    private final FilterProblems problems;

    BodyLimit(GatewayProperties properties, FilterProblems problems) {
        this.openAiMaxBytes = properties.openai().maxBodyBytes();
        this.maxBytes = properties.maxBodyBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (BODYLESS.contains(request.getMethod())) {
            if (declared > 0 || chunked) {
                problems.send(request, response, Problems.of(HttpStatus.BAD_REQUEST, "a " + request.getMethod()
                        + " request takes no body; send its parameters in the path or the query"));
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        int maxBytes = OpenAiErrors.isOpenAiPath(request) ? openAiMaxBytes : this.maxBytes;
        if (declared > maxBytes) {
            refuse(request, response, declared + " bytes", maxBytes);
            return;
        }
        if (declared < 0) {   // chunked, or no body at all
            byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                refuse(request, response, "more than " + maxBytes + " bytes", maxBytes);
                return;
            }
            request = new ReadBody(request, body);
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String size, int maxBytes) {
        problems.send(request, response, Problems.of(HttpStatus.CONTENT_TOO_LARGE, "the request body has " + size
                + "; this API takes at most " + maxBytes + " bytes"));
    }

    /** The request with its body already read (at most the limit), to be read again by whoever comes next. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final int length;
        private final ServletInputStream body;

        ReadBody(HttpServletRequest request, byte[] bytes) {
            super(request);
            this.length = bytes.length;
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            this.body = new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was read already; read it synchronously");
                }
            };
        }

        @Override
        public ServletInputStream getInputStream() {
            return body;
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = StandardCharsets.UTF_8;
            try {
                charset = getCharacterEncoding() == null ? charset : Charset.forName(getCharacterEncoding());
            } catch (IllegalArgumentException unknown) {
                // keep UTF-8, JSON's encoding
            }
            return new BufferedReader(new InputStreamReader(body, charset));
        }

        @Override
        public int getContentLength() {
            return length;
        }

        @Override
        public long getContentLengthLong() {
            return length;
        }
    }
}
