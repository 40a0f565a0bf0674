package io.drdrill.restore;

import io.drdrill.manifest.PostRestoreCheck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A {@code tcp} check: the port accepts a connection within the timeout; the connection is closed at once. */
final class TcpProbe {

    private TcpProbe() {
    }

    static PostRestoreChecks.Passed run(PostRestoreCheck.Tcp check) {
        String where = check.host() + ":" + check.port();
        InetSocketAddress address = new InetSocketAddress(check.host(), check.port());
        if (address.isUnresolved()) {
            throw new PostRestoreChecks.Failed("host " + check.host() + " cannot be resolved");
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, check.timeoutSeconds() * 1000));
            return new PostRestoreChecks.Passed(where + " accepted a connection");
        } catch (SocketTimeoutException e) {
            throw new PostRestoreChecks.Failed(where + " did not accept a connection within "
                    + check.timeoutSeconds() + "s");
        } catch (IOException e) {
            throw new PostRestoreChecks.Failed(where + " did not accept a connection: " + e.getMessage());
        }
    }
}
