package exchange.router.system;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report in Backpack's shape instead of an HTML page. Tomcat writes it itself, without any
 * servlet, when it refuses a request while parsing it: headers over {@code server.max-http-request-header-size},
 * too many headers, a request line too long. Public with a no-argument constructor because Tomcat's host
 * instantiates its error report valve by class name ({@link ErrorResponseConfiguration}).
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ApiError error = BackpackErrorController.errorFor(status);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"code\":\"" + error.code() + "\",\"message\":\"" + error.message() + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException ignored) {
            // The client is gone or the response is already committed; there is nothing left to tell it.
        }
    }
}
