package dev.strata.session.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;

/**
 * A response that commits the session just before the container would commit the response: on
 * redirect, error, flush, close, and before body writes could fill the buffer or reach the declared
 * content length. That way the Set-Cookie header is never too late.
 */
final class SessionCommittingResponse extends HttpServletResponseWrapper {

  /** Worst-case UTF-8 bytes per char written through the writer. */
  private static final int MAX_BYTES_PER_CHAR = 3;

  private final StoreBackedRequest request;
  private long bytesWritten;
  private long contentLength = -1;
  private boolean sessionCommitted;
  private @Nullable ServletOutputStream outputStream;
  private @Nullable PrintWriter writer;

  SessionCommittingResponse(HttpServletResponse response, StoreBackedRequest request) {
    super(response);
    this.request = request;
  }

  /** Commits the session unless this response already did. */
  void commitSessionOnce() {
    if (!sessionCommitted) {
      sessionCommitted = true;
      request.commitSession();
    }
  }

  /** Whether the session was committed before the response; more changes need another save. */
  boolean sessionCommitted() {
    return sessionCommitted;
  }

  private void beforeWrite(long bytes) {
    if (sessionCommitted) {
      return;
    }
    bytesWritten += bytes;
    if (bytesWritten >= getBufferSize() || (contentLength >= 0 && bytesWritten >= contentLength)) {
      commitSessionOnce();
    }
  }

  @Override
  public void setContentLength(int len) {
    contentLength = len;
    super.setContentLength(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    contentLength = len;
    super.setContentLengthLong(len);
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    commitSessionOnce();
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    commitSessionOnce();
    super.sendError(sc);
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    commitSessionOnce();
    super.sendRedirect(location);
  }

  @Override
  public void sendRedirect(String location, boolean clearBuffer) throws IOException {
    commitSessionOnce();
    super.sendRedirect(location, clearBuffer);
  }

  @Override
  public void sendRedirect(String location, int sc) throws IOException {
    commitSessionOnce();
    super.sendRedirect(location, sc);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
    commitSessionOnce();
    super.sendRedirect(location, sc, clearBuffer);
  }

  @Override
  public void flushBuffer() throws IOException {
    commitSessionOnce();
    super.flushBuffer();
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (outputStream == null) {
      outputStream = new CommitAwareOutputStream(super.getOutputStream());
    }
    return outputStream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      writer = new CommitAwareWriter(super.getWriter());
    }
    return writer;
  }

  private final class CommitAwareOutputStream extends ServletOutputStream {
    private final ServletOutputStream delegate;

    CommitAwareOutputStream(ServletOutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      beforeWrite(1);
      delegate.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      beforeWrite(len);
      delegate.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      commitSessionOnce();
      delegate.flush();
    }

    @Override
    public void close() throws IOException {
      commitSessionOnce();
      delegate.close();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      delegate.setWriteListener(listener);
    }
  }

  private final class CommitAwareWriter extends PrintWriter {
    private final PrintWriter delegate;

    CommitAwareWriter(PrintWriter delegate) {
      super(delegate);
      this.delegate = delegate;
    }

    @Override
    public void write(int c) {
      beforeWrite(MAX_BYTES_PER_CHAR);
      delegate.write(c);
    }

    @Override
    public void write(char[] buf, int off, int len) {
      beforeWrite((long) len * MAX_BYTES_PER_CHAR);
      delegate.write(buf, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
      beforeWrite((long) len * MAX_BYTES_PER_CHAR);
      delegate.write(s, off, len);
    }

    @Override
    public void flush() {
      commitSessionOnce();
      delegate.flush();
    }

    @Override
    public void close() {
      commitSessionOnce();
      delegate.close();
    }

    @Override
    public boolean checkError() {
      return delegate.checkError();
    }
  }
}
