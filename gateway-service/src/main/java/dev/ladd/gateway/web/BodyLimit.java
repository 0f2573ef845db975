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

/**
 * A request body under {@code /v1/} larger than {@code ladd.gateway.openai.max-body-bytes} is a 413 before anything
 * parses it: by its Content-Length, or, sent chunked without one, after reading at most one byte more than the limit
 * (the body read is then handed on). Runs after {@link dev.ladd.gateway.keys.ApiKeyFilter}: no key is a 401 first.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class OpenAiBodyLimit extends OncePerRequestFilter {

    private final int maxBytes;
    private final FilterProblems problems;

    OpenAiBodyLimit(GatewayProperties properties, FilterProblems problems) {
        this.maxBytes = properties.openai().maxBodyBytes();
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !OpenAiErrors.isOpenAiPath(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(request, response, declared + " bytes");
            return;
        }
        if (declared < 0) {   // chunked, or no body at all
            byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                refuse(request, response, "more than " + maxBytes + " bytes");
                return;
            }
            request = new ReadBody(request, body);
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String size) {
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
