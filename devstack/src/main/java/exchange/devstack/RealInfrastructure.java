package exchange.devstack;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that makes sure the JVM's real PostgreSQL and Redis ({@link TestInfrastructure}) are
 * running before a test class starts: {@code @ExtendWith(RealInfrastructure.class)}.
 */
public final class RealInfrastructure implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestInfrastructure.shared();
    }
}
